# The paper's ImageNet-1k fine-tuning protocol for ViT-B/16 (the reference README's command): as the ViT-S/16
# paper config, with the base backbone.
#   tools/dist_train.sh configs/benchmarks/mmpretrain/vitb16_8xb128-beit-coslr-100e_in1k_paper.py 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './vits16_8xb128-beit-coslr-100e_in1k_paper.py'
model = dict(backbone=dict(arch='base'), head=dict(in_channels=768))
