# The paper's COCO protocol for ViT-B/16 (the Harmony reference README's command on its
# vit_base_giou_4conv1f_coco_3x config: 8 GPUs x 2 images, lr steps at 8 and 11 of 12 epochs, layer decay 0.75);
# otherwise as the ViT-S/16 paper config.
#   tools/dist_train.sh configs/benchmarks/mmdet/cascade-mask-rcnn_harmony-vitb16-fpn-4conv1fc-giou_8xb2-ms-1x_coco_paper.py 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = ['./cascade-mask-rcnn_harmony-vits16-fpn-4conv1fc-giou_8xb4-ms-1x_coco_paper.py',
          '../../_base_/models/harmony-vitb16_dense.py']
model = dict(backbone=dict(arch='base'), neck={{_base_.harmony_vitb16_neck}})
train_dataloader = dict(batch_size=2)
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.75))
