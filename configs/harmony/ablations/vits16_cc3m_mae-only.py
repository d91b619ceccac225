# Ablation: MAE alone.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(clip=None, ibot=None, mlm=None, text_dist=None))
