# Reference-exact Harmony, ViT-B/16 on CC3M (the paper's v3 run): as vits16_cc3m_reference.py, base image tower.
#   tools/dist_train.sh configs/harmony/reference/vitb16_cc3m_reference.py 8
_base_ = './vits16_cc3m_reference.py'
model = dict(backbone=dict(arch='base'))
