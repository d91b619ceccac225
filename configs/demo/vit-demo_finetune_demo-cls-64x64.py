# Demo twin of benchmarks/mmpretrain/vits16_finetune_in1k.py: the demo HarmonyViT (128-d, 6 blocks, patch 8) on the
# demo classification set (6 shapes) at 64 px, 6 epochs, without mixup/cutmix (600 images); ~40 s on 2 CPU
# cores (from scratch, a ViT stays near chance on 600 images: pre-trained weights are what make it work).
# Fine-tune with --cfg-options model.backbone.init_cfg.checkpoint=PATH, or train from scratch with
# model.backbone.init_cfg=None (what `make demo` does until the Harmony pre-training provides the backbone).
_base_ = '../benchmarks/mmpretrain/vits16_finetune_in1k.py'
data_root = 'data/demo/classification'
model = dict(
    backbone=dict(arch=dict(_delete_=True, embed_dims=128, num_layers=6, num_heads=4), img_size=64, patch_size=8),
    head=dict(num_classes=6, in_channels=128),
    train_cfg=dict(_delete_=True, augments=None))
data_preprocessor = dict(num_classes=6)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=64, crop_ratio_range=(0.6, 1.0), backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=64, backend='pillow'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(_delete_=True, type='CustomDataset', data_root=data_root, data_prefix='train',
                 classes=f'{data_root}/classnames.txt', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    dataset=dict(_delete_=True, type='CustomDataset', data_root=data_root, data_prefix='val',
                 classes=f'{data_root}/classnames.txt', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(topk=(1, 5))
test_evaluator = val_evaluator
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=1e-3), paramwise_cfg=dict(layer_decay_rate=0.9))
max_epochs = 6
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, by_epoch=True, begin=1, end=max_epochs, eta_min=1e-5,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
