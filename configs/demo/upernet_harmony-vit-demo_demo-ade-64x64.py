# Demo twin of benchmarks/mmseg/upernet_harmony-vits16_8xb2-160k_ade20k-512x512.py: the demo ViT (128-d, 6 blocks,
# patch 8) in UperNet on the demo segmentation set (same ADE20K layout), 64 px crops, 400 iterations (~3 min on
# 2 CPU cores).
# Needs a backbone: --cfg-options model.backbone.init_cfg.checkpoint=PATH [model.backbone.init_cfg.prefix=...].
_base_ = '../benchmarks/mmseg/upernet_harmony-vits16_8xb2-160k_ade20k-512x512.py'
crop_size = (64, 64)
embed_dims = 128
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(arch=dict(_delete_=True, embed_dims=embed_dims, num_layers=6, num_heads=4), img_size=64, patch_size=8,
                  out_indices=[1, 3, 4, 5], drop_path_rate=0.0),
    neck=dict(embed_dims=embed_dims, scales=(2, 1, 0.5, 0.25), norm='BN'),  # patch 8: strides 4-32 as for patch 16
    decode_head=dict(in_channels=[embed_dims] * 4, channels=128, num_classes=7, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=embed_dims, channels=64, num_classes=7, norm_cfg=norm_cfg),
    test_cfg=dict(mode='whole', _delete_=True))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='RandomResize', scale=(96, 96), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(96, 96), keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs'),
]
demo_dataset = dict(type='harmony.DemoSegDataset', data_root='data/demo/ade')
train_dataloader = dict(batch_size=8, num_workers=2, dataset=dict(**demo_dataset, pipeline=train_pipeline))
val_dataloader = dict(num_workers=2, dataset=dict(**demo_dataset, pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=5e-4))
max_iters = 400
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=50),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin=50, end=max_iters),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=max_iters))
randomness = dict(seed=0)  # a repeatable demo
