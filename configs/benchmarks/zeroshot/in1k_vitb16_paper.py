# The paper's zero-shot ImageNet-1k protocol for ViT-B/16: as in1k_vits16_paper.py, with the base image tower
# (configs/harmony/vitb16_cc3m.py's model).
#   tools/dist_test.sh configs/benchmarks/zeroshot/in1k_vitb16_paper.py work_dirs/vitb16_cc3m/epoch_25.pth 8
_base_ = 'in1k_vits16_paper.py'
model = dict(backbone=dict(arch='base'))
