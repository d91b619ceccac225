# As the ViT-S/16 config, with a ViT-B/16 backbone.
_base_ = ['./mask-rcnn_harmony-vits16-fpn_1x_coco.py', '../../_base_/models/harmony-vitb16_dense.py']
model = dict(backbone=dict(arch='base'), neck={{_base_.harmony_vitb16_neck}})
