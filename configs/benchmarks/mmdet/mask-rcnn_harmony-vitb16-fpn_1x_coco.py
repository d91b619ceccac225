# As the ViT-S/16 config, with a ViT-B/16 backbone.
_base_ = './mask-rcnn_harmony-vits16-fpn_1x_coco.py'
embed_dims = 768
model = dict(
    backbone=dict(arch='base'),
    neck=[
        dict(type='harmony.ViTFeaturePyramid', embed_dims=embed_dims, norm='SyncBN'),
        dict(type='FPN', in_channels=[embed_dims] * 4, out_channels=256, num_outs=5),
    ])
