# Mask R-CNN on COCO with a Harmony ViT-S/16: blocks 3, 5, 7, 11 -> deconv pyramid -> FPN, AdamW with layer
# decay 0.75, 12 epochs (lr steps at 8 and 11), AMP. (The reference code used Cascade Mask R-CNN: see README.)
# Pretrained weights: --cfg-options model.backbone.init_cfg.checkpoint=PATH.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_instance.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
]
custom_imports = dict(imports=['harmony'], allow_failed_imports=False)
embed_dims = 384
model = dict(
    backbone=dict(
        _delete_=True,
        type='harmony.HarmonyViT',
        arch='small',
        img_size=224,
        patch_size=16,
        out_indices=[3, 5, 7, 11],
        out_type='featmap',
        final_norm=False,
        drop_path_rate=0.1,
        init_cfg=dict(type='Pretrained', checkpoint=None)),
    neck=[
        dict(type='harmony.ViTFeaturePyramid', embed_dims=embed_dims, norm='SyncBN'),
        dict(type='FPN', in_channels=[embed_dims] * 4, out_channels=256, num_outs=5),
    ])
optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='harmony.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.75))
