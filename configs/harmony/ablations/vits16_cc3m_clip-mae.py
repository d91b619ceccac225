# Ablation: CLIP with soft targets + MAE.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=('clip', 'mae'))
