# The paper's COCO protocol for ViT-S/16 (the reference code's detector, iBOT's recipe: iBOT README's ViT-S command,
# 8 GPUs x 4 images, 12 epochs with lr steps at 8 and 11, layer decay 0.8): Cascade Mask R-CNN whose three box heads
# are mmdet's Shared4Conv1FCBBoxHead with SyncBN and a GIoU loss on decoded boxes (weight 10), DETR-style
# multi-scale training (mmdet's RandomChoice of a 480-800 resize, or a 400-600 resize + 384-600 crop + resize),
# AdamW lr 1e-4, weight decay 0.05.
#   tools/dist_train.sh configs/benchmarks/mmdet/cascade-mask-rcnn_harmony-vits16-fpn-4conv1fc-giou_8xb4-ms-1x_coco_paper.py 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './cascade-mask-rcnn_harmony-vits16-fpn_1x_coco.py'
norm_cfg = dict(type='SyncBN', requires_grad=True)


def _box_head(stds):
    return dict(type='Shared4Conv1FCBBoxHead', in_channels=256, conv_out_channels=256, fc_out_channels=1024,
                norm_cfg=norm_cfg, roi_feat_size=7, num_classes=80, reg_class_agnostic=False, reg_decoded_bbox=True,
                bbox_coder=dict(type='DeltaXYWHBBoxCoder', target_means=[0., 0., 0., 0.], target_stds=stds),
                loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
                loss_bbox=dict(type='GIoULoss', loss_weight=10.0))


model = dict(roi_head=dict(bbox_head=[_box_head([0.1, 0.1, 0.2, 0.2]), _box_head([0.05, 0.05, 0.1, 0.1]),
                                      _box_head([0.033, 0.033, 0.067, 0.067])]))
del _box_head
scales = [(short, 1333) for short in range(480, 801, 32)]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomChoice', transforms=[
        [dict(type='RandomChoiceResize', scales=scales, keep_ratio=True)],
        [dict(type='RandomChoiceResize', scales=[(400, 1333), (500, 1333), (600, 1333)], keep_ratio=True),
         dict(type='RandomCrop', crop_type='absolute_range', crop_size=(384, 600), allow_negative_crop=True),
         dict(type='RandomChoiceResize', scales=scales, keep_ratio=True)],
    ]),
    dict(type='PackDetInputs'),
]
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(optimizer=dict(lr=1e-4, weight_decay=0.05), paramwise_cfg=dict(layer_decay_rate=0.8))
