# Ablation: CLIP with soft targets + iBOT.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(mae=None, mlm=None, text_dist=None))
