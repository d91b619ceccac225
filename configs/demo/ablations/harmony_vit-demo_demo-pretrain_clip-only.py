# Ablation on the demo: plain CLIP (hard targets, no teacher), same towers, data and budget as the Harmony demo run.
_base_ = '../harmony_vit-demo_demo-pretrain.py'
model = dict(objectives=dict(clip=dict(soft_targets=False), ibot=None, mae=None, mlm=None, text_dist=None))
