# Ablation on the demo: iBOT alone (no CLIP towers: no zero-shot validation).
_base_ = '../harmony_vit-demo_demo-pretrain.py'
model = dict(objectives=dict(clip=None, mae=None, mlm=None, text_dist=None))
val_dataloader, val_evaluator, val_cfg = None, None, None
custom_hooks = [{{_base_.schedule_hook}}]
