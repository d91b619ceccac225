# Ablation on the demo: CLIP with soft targets + MAE.
_base_ = '../harmony_vit-demo_demo-pretrain.py'
model = dict(objectives=dict(ibot=None, mlm=None, text_dist=None))
