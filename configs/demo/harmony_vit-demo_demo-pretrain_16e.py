# The demo pre-training run for 16 epochs (4,000 steps, 40-50 min on 2 CPU cores) instead of 2, everything else as
# configs/demo/harmony_vit-demo_demo-pretrain.py: what 8x the demo's budget learns. A checkpoint every 4 epochs for
# the probes, zero-shot on the demo shapes after every epoch; the measured figures are in docs/en/pretraining.md
# ("What the demo's CPU budget can learn").
_base_ = './harmony_vit-demo_demo-pretrain.py'
max_epochs = 16
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=20),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=1e-5, by_epoch=True, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
custom_hooks = [dict(type='HarmonyScheduleHook', momentum=(0.98, 1.0), hard_weight_epochs=max_epochs,
                     warmup_teacher_epochs=1, teacher_patch_temperature_steps='iter'),
                {{_base_.zero_shot_hook}}]
default_hooks = dict(checkpoint=dict(interval=4, max_keep_ckpts=4))
