# The paper's ImageNet-1k fine-tuning protocol for ViT-S/16 (the reference code's BEiT recipe, its README command
# and its run_class_finetuning.py defaults: AdamW lr 4e-3 at batch 8 x 128, 20 warm-up epochs from 1e-6 then cosine
# to 1e-6 over 100 epochs, layer decay 0.65, weight decay 0.05, drop path 0.1, RandAugment m9-mstd0.5, mixup 0.8 /
# cutmix 1.0, label smoothing 0.1, random erasing 0.25, CLS token; evaluation at shorter side 256, bilinear, centre
# crop 224). The reference gives these for ViT-B; ViT-S takes the same.
#   tools/dist_train.sh configs/benchmarks/mmpretrain/vits16_8xb128-beit-coslr-100e_in1k_paper.py 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './vits16_finetune_in1k.py'
optim_wrapper = dict(optimizer=dict(lr=4e-3), paramwise_cfg=dict(layer_decay_rate=0.65))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6 / 4e-3, by_epoch=True, begin=0, end=20, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=80, by_epoch=True, begin=20, end=100, eta_min=1e-6,
         convert_to_iter_based=True),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
