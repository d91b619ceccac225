# UperNet on ADE20K with a Harmony ViT-S/16 (iBOT / Harmony protocol): blocks 3, 5, 7, 11 -> deconv pyramid,
# AdamW with layer decay 0.9, 1500 warm-up iterations then poly, 160k iterations, 512 crops, slide test, AMP.
# Pretrained weights: --cfg-options model.backbone.init_cfg.checkpoint=PATH (Harmony checkpoint -> EMA teacher,
# or an exported backbone); training refuses to start without one.
_base_ = [
    'mmseg::_base_/models/upernet_mae.py',
    'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_160k.py',
    '../../_base_/models/harmony-vits16_dense.py',
]
crop_size = (512, 512)
embed_dims = 384
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone={{_base_.harmony_backbone}},
    neck=dict(_delete_=True, type='harmony.ViTFeaturePyramid', embed_dims=embed_dims, norm='SyncBN'),
    decode_head=dict(in_channels=[embed_dims] * 4, channels=512, num_classes=150),
    auxiliary_head=dict(in_channels=embed_dims, num_classes=150),
    test_cfg=dict(mode='slide', crop_size=crop_size, stride=(341, 341)))
optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='harmony.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.9))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin=1500, end=160000),
]
train_dataloader = dict(batch_size=2)
val_dataloader = dict(batch_size=1)
test_dataloader = val_dataloader
