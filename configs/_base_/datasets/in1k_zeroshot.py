# ImageNet-1k validation images for zero-shot evaluation (class folders under data/imagenet/val, synset order),
# CLIP's preprocessing (shorter side to 224, bicubic, centre crop), top-1/top-5 from mmpretrain's Accuracy.
in1k_root = 'data/imagenet'
eval_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=224, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='mmpretrain.PackInputs'),
]
val_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='mmpretrain.CustomDataset', data_root=in1k_root, data_prefix='val', pipeline=eval_pipeline))
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, 5))
val_cfg = dict(type='ValLoop')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
test_cfg = dict(type='TestLoop')
zero_shot_hook = dict(type='ZeroShotHook', classnames='imagenet', templates='openai')
