# kNN and linear probe of a Harmony ViT-S/16 on ImageNet-1k (class folders data/imagenet/{train,val}):
#   python tools/probe.py configs/benchmarks/probe/vits16_in1k.py work_dirs/vits16_cc3m/epoch_25.pth
_base_ = ['../../_base_/probe.py']
backbone = dict(type='HarmonyViT', arch='small', patch_size=16, img_size=224)
pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='mmpretrain.PackInputs'),
]
split = dict(type='mmpretrain.CustomDataset', data_root='data/imagenet', pipeline=pipeline)
train_dataloader = dict(batch_size=256, num_workers=8, sampler=dict(type='DefaultSampler', shuffle=False),
                        dataset=dict(split, data_prefix='train'))
test_dataloader = dict(train_dataloader, dataset=dict(split, data_prefix='val'))
