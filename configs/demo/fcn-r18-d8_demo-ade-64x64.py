# An upstream mmseg model (FCN, ResNet-18-D8, from scratch) on the demo segmentation set: a few minutes on CPU.
_base_ = [
    'mmseg::_base_/models/fcn_r50-d8.py',
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_20k.py',
    '../_base_/datasets/demo_ade.py',
]
norm_cfg = dict(type='BN', requires_grad=True)
num_classes = 11  # background + 10 shapes
model = dict(
    data_preprocessor=dict(size=(64, 64)),
    pretrained=None,
    backbone=dict(depth=18, norm_cfg=norm_cfg),
    decode_head=dict(in_channels=512, channels=128, num_classes=num_classes, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=256, channels=64, num_classes=num_classes, norm_cfg=norm_cfg))
optim_wrapper = dict(optimizer=dict(lr=0.02))
max_iters = 300
param_scheduler = [dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_iters))
