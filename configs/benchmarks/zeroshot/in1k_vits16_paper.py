# The paper's zero-shot ImageNet-1k protocol for ViT-S/16 (the reference code's eval_zeroshot.py, SLIP's): the 7
# SLIP prompts, shorter side resized to 224 with bilinear interpolation, centre crop 224.
#   tools/dist_test.sh configs/benchmarks/zeroshot/in1k_vits16_paper.py work_dirs/vits16_cc3m/epoch_25.pth 8
_base_ = 'in1k_simple-prompts.py'
eval_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=224, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='mmpretrain.PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=eval_pipeline))
test_dataloader = val_dataloader
