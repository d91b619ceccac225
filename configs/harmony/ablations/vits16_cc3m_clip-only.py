# Ablation: plain CLIP (hard targets, no teacher).
_base_ = '../vits16_cc3m.py'
model = dict(objectives=('clip',), soft_clip=False)
