# Cascade Mask R-CNN on COCO with a Harmony ViT-S/16 (the detector of the Harmony reference code); otherwise as
# mask-rcnn_harmony-vits16-fpn_1x_coco.py.
_base_ = [
    'mmdet::_base_/models/cascade-mask-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_instance.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
    '../../_base_/models/harmony-vits16_dense.py',
]
model = dict(backbone={{_base_.harmony_backbone}}, neck={{_base_.harmony_neck}})
optim_wrapper = {{_base_.harmony_optim_wrapper}}
