# Ablation: iBOT + MAE, no language.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=('ibot', 'mae'))
