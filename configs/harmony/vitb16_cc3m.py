# Harmony, ViT-B/16 on CC3M (the paper's v3 recipe): as ViT-S/16, with the base image tower.
_base_ = './vits16_cc3m.py'
model = dict(backbone=dict(arch='base'))
