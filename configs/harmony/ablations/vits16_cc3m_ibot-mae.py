# Ablation: iBOT + MAE, no language.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(clip=None, mlm=None, text_dist=None))
