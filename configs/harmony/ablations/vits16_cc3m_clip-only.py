# Ablation: plain CLIP (hard targets, no teacher).
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(clip=dict(soft_targets=False), ibot=None, mae=None, mlm=None, text_dist=None))
