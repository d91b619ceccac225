# An upstream mmseg model (Semantic FPN, ResNet-18, from scratch) on the demo segmentation set, with the UperNet demo
# twin's budget (400 iterations): ~1.5 min on 2 CPU cores.
_base_ = [
    'mmseg::_base_/models/fpn_r50.py',
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_20k.py',
    '../_base_/datasets/demo_ade.py',
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    data_preprocessor=dict(size=(64, 64)),
    pretrained=None,
    backbone=dict(depth=18, norm_cfg=norm_cfg),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=128),
    decode_head=dict(in_channels=[128, 128, 128, 128], channels=64, num_classes=7, norm_cfg=norm_cfg))
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='AdamW', lr=0.002, weight_decay=0.01))
max_iters = 400
param_scheduler = [dict(type='PolyLR', eta_min=1e-5, power=0.9, begin=0, end=max_iters, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=max_iters))
randomness = dict(seed=0)  # a repeatable demo
