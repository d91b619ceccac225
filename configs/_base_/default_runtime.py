# Runtime shared by Harmony pre-training configs.
default_scope = 'harmony'
custom_imports = dict(imports=['harmony'], allow_failed_imports=False)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # Epoch of the web shards; a run resumed mid-epoch skips what the ResumableSampler already gave out.
    data_position=dict(type='DataPositionHook'),
    # Randomness keyed to (seed, iteration) and, in the data, (seed, epoch, sample): exact resumes.
    keyed_randomness=dict(type='KeyedRandomnessHook'),
    # No checkpoint with NaN/inf weights, teachers, logit scale or centres is written or loaded.
    finite_checkpoint=dict(type='FiniteCheckpointHook'),
)
# Teacher momentum, hard-label weight, teacher temperatures, weight decay, frozen iBOT last layer.
custom_hooks = [dict(type='HarmonyScheduleHook')]
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
log_processor = dict(window_size=10, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
# TensorBoard (`--cfg-options tensorboard.enable=True`): scalars to TensorBoard as well, and with image_interval > 0
# MAE reconstructions of the training batch every image_interval iterations (harmony.engine.runner_setup).
tensorboard = dict(enable=False, image_interval=0)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, diff_rank_seed=True)
