# configs/harmony/vits16_cc3m.py with zero-shot ImageNet-1k (EMA teacher) in the validation loop every epoch.
_base_ = ['vits16_cc3m.py', '../_base_/datasets/in1k_zeroshot.py']
train_cfg = dict(val_interval=1)
custom_hooks = [dict(type='HarmonyScheduleHook'), {{_base_.zero_shot_hook}}]
