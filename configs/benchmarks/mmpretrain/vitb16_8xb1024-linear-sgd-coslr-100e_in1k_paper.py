# The paper's ImageNet-1k linear protocol for ViT-B/16 (the reference README's command): as the ViT-S/16 paper
# config, with the base backbone (CLS and mean patch token: 2 x 768 features).
#   tools/dist_train.sh configs/benchmarks/mmpretrain/vitb16_8xb1024-linear-sgd-coslr-100e_in1k_paper.py 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './vits16_8xb1024-linear-sgd-coslr-100e_in1k_paper.py'
model = dict(backbone=dict(arch='base'), head=dict(in_channels=1536))
