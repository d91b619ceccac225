# Ablation: Harmony without soft CLIP targets: CLIP on one-hot pairs only (no teacher projection is built).
_base_ = '../vits16_cc3m.py'
model = dict(objectives=dict(clip=dict(soft_targets=False)))
