# Ablation: Harmony without MLM and text self-distillation.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=('clip', 'ibot', 'mae'))
