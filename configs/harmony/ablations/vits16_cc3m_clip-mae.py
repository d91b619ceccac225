# Ablation: CLIP with soft targets + MAE.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(ibot=None, mlm=None, text_dist=None))
