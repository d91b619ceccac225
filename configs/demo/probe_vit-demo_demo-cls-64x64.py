# kNN and linear probe of the demo ViT on the demo classification set (10 shapes, 400 train / 200 val images):
#   python tools/probe.py configs/demo/probe_vit-demo_demo-cls-64x64.py work_dirs/demo/backbone.safetensors
_base_ = ['../_base_/probe.py']
backbone = dict(type='HarmonyViT', arch=dict(embed_dims=128, num_layers=6, num_heads=4), patch_size=8, img_size=64)
data_root = 'data/demo/classification'
pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=64, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='mmpretrain.PackInputs'),
]
split = dict(type='mmpretrain.CustomDataset', data_root=data_root, classes=f'{data_root}/classnames.txt',
             pipeline=pipeline)
train_dataloader = dict(batch_size=100, num_workers=2, sampler=dict(type='DefaultSampler', shuffle=False),
                        dataset=dict(split, data_prefix='train'))
test_dataloader = dict(train_dataloader, dataset=dict(split, data_prefix='val'))
probe = dict(linear=dict(epochs=50, batch_size=64))
