# Ablation on the demo: CLIP with soft targets + iBOT.
_base_ = '../harmony_vit-demo_demo-pretrain.py'
model = dict(objectives=dict(mae=None, mlm=None, text_dist=None))
