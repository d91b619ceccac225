# Harmony pre-training on the demo pairs (data/demo/pretrain/files), sized for 2 CPU cores: the demo ViT (128-d,
# 6 blocks, 4 heads, patch 8, 64 px, no drop path; the backbone of the downstream demo twins), a 2-layer text tower
# of width 128, small heads, 2 global + 4 local crops with the recipe's augmentation, batch 16, fp32, 2 epochs
# (500 steps, ~5 min); zero-shot top-1/top-5 on the demo shapes after each epoch. Only sizes, budget and schedules
# differ from the recipe; the objectives, losses and teachers are the method's. Why these sizes:
# docs/en/get_started.md (the demo) and docs/en/study.md. The paper-scale twin is configs/harmony/vits16_cc3m.py.
_base_ = [
    '../_base_/models/harmony_vits16.py',
    '../_base_/datasets/cc3m_files.py',
    '../_base_/schedules/harmony_adamw_25e.py',
    '../_base_/default_runtime.py',
    '../_base_/datasets/demo_cls_zeroshot.py',
]
data_root = 'data/demo/pretrain/files'
patch_size = 8
model = dict(
    backbone=dict(arch=dict(_delete_=True, embed_dims=128, num_layers=6, num_heads=4), img_size=64,
                  patch_size=patch_size, drop_path_rate=0.0),
    text_encoder=dict(width=128, heads=4, layers=2, embed_dim=128),
    objectives=dict(
        ibot=dict(head=dict(out_dim=512, hidden_dims=256, bottleneck_dims=128)),
        mae=dict(decoder=dict(dims=128, depth=1, num_heads=4)),
        mlm=dict(decoder=dict(depth=1, num_heads=4)),
        text_dist=dict(head=dict(out_dim=256, hidden_dims=256, bottleneck_dims=128))))
train_pipeline = [
    dict(type='MultiCrop', global_size=64, local_size=32, num_local=4),
    # smallest block 4 of the 8x8 grid's 64 patches (the recipe's 16 is of 14x14 = 196)
    dict(type='BlockwiseMasks', patch_size=patch_size, ratio_range=(0.1, 0.5), mask_probability=0.5, min_block=4),
    dict(type='PatchShuffle', patch_size=patch_size),
    dict(type='TokenizeCaption', context_length=77, mlm_ratio=0.2),
    dict(type='PackPretrainingInputs'),
]
train_dataloader = dict(batch_size=16, num_workers=2, pin_memory=False,
                        dataset=dict(data_root=data_root, index_file=None, pipeline=train_pipeline))
auto_scale_lr = dict(enable=False)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
max_epochs = 2
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=20),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=1e-5, by_epoch=True, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=1)  # zero-shot on the demo classes (EMA teacher) every epoch
# A 500-step run: EMA momentum from 0.98 (a teacher time constant of ~50 steps; DINO's 0.996 suits 100k-step runs
# and would leave the teacher near its random init here), the hard-label weight decays over the whole run, the
# patch/text teacher temperature warms up per iteration over the first epoch (one value per epoch would be a step).
schedule_hook = dict(type='HarmonyScheduleHook', momentum=(0.98, 1.0), hard_weight_epochs=max_epochs,
                     warmup_teacher_epochs=1, teacher_patch_temperature_steps='iter')
custom_hooks = [schedule_hook, {{_base_.zero_shot_hook}}]
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
