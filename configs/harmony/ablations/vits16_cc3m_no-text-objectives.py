# Ablation: Harmony without MLM and text self-distillation.
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(mlm=None, text_dist=None))
