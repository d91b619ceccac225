# The demo classification set's validation images (6 shapes, 50 each) for zero-shot evaluation at 64 px, with
# prompts in the phrasing of the demo captions; top-1/top-5 from mmpretrain's Accuracy.
demo_cls_root = 'data/demo/classification'
eval_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=64, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='mmpretrain.PackInputs'),
]
val_dataloader = dict(
    batch_size=100,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='mmpretrain.CustomDataset', data_root=demo_cls_root, data_prefix='val',
                 classes=f'{demo_cls_root}/classnames.txt', pipeline=eval_pipeline))
val_evaluator = dict(type='mmpretrain.Accuracy', topk=(1, 5))
val_cfg = dict(type='ValLoop')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
test_cfg = dict(type='TestLoop')
zero_shot_hook = dict(type='ZeroShotHook', templates=['a photo of a {}.', 'a drawing of a {}.', 'an image of a {}.',
                                                      'illustration of a {}.'])
