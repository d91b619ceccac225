# Ablation on the demo: Harmony without MLM and text self-distillation.
_base_ = '../harmony_vit-demo_demo-pretrain.py'
model = dict(objectives=dict(mlm=None, text_dist=None))
