# Ablation: iBOT alone.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(clip=None, mae=None, mlm=None, text_dist=None))
