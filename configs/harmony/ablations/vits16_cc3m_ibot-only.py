# Ablation: iBOT alone.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=('ibot',))
