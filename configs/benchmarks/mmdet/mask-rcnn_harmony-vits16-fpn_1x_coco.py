# Mask R-CNN on COCO with a Harmony ViT-S/16: blocks 3, 5, 7, 11 -> deconv pyramid -> FPN, AdamW with layer
# decay 0.75, 12 epochs (lr steps at 8 and 11), AMP. The reference code used Cascade Mask R-CNN:
# cascade-mask-rcnn_harmony-vits16-fpn_1x_coco.py. Pretrained weights: --cfg-options
# model.backbone.init_cfg.checkpoint=PATH.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_instance.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
    '../../_base_/models/harmony-vits16_dense.py',
]
model = dict(backbone={{_base_.harmony_backbone}}, neck={{_base_.harmony_neck}})
optim_wrapper = {{_base_.harmony_optim_wrapper}}
