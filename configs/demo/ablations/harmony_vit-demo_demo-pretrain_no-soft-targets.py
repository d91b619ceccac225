# Ablation on the demo: Harmony without soft CLIP targets (CLIP on one-hot pairs only).
_base_ = '../harmony_vit-demo_demo-pretrain.py'
model = dict(objectives=dict(clip=dict(soft_targets=False)))
