# kNN and linear probe of the demo ViT on the demo classification set (6 shapes, 360 train / 300 val images), with
# the zero-shot demo set's loading and 64-px preprocessing for both splits:
#   python tools/probe.py configs/demo/probe_vit-demo_demo-cls-64x64.py work_dirs/demo/backbone.safetensors
_base_ = ['../_base_/probe.py', '../_base_/datasets/demo_cls_zeroshot.py']
backbone = dict(type='HarmonyViT', arch=dict(embed_dims=128, num_layers=6, num_heads=4), patch_size=8, img_size=64)
train_dataloader = dict(
    batch_size=100,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='mmpretrain.CustomDataset', data_root={{_base_.demo_cls_root}}, data_prefix='train',
                 classes='data/demo/classification/classnames.txt', pipeline={{_base_.eval_pipeline}}))
probe = dict(linear=dict(epochs=50, batch_size=64))
