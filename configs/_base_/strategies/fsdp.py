# Fully sharded data parallel (mmengine FlexibleRunner + FSDPStrategy) for towers too large to replicate per GPU:
# every transformer block of students and teachers is its own FSDP unit (harmony.HarmonyFullyShardedDataParallel),
# checkpoints are gathered into one full file on rank 0 (so --resume, the exports and the loaders work as usual).
# A config using it sets model.sequential_backward=False (mmengine allows no `model` key here, next to the model
# base): FSDP's no_sync between pass-by-pass backwards would keep unsharded gradients on every rank, and the
# wrapper refuses it; activation checkpointing (model.backbone.with_cp) saves memory instead.
runner_type = 'harmony.HarmonyFlexibleRunner'  # mmengine's FlexibleRunner, with a short start-up log
strategy = dict(
    type='harmony.HarmonyFSDPStrategy',  # mmengine's FSDPStrategy, able to resume with torch 2
    model_wrapper=dict(type='harmony.HarmonyFullyShardedDataParallel', sharding_strategy='FULL_SHARD'),
    state_dict_cfg='full',
)
