"""Engine pieces: checkpoint writing and loading, CPU runtime adaptation, optimiser constructors, schedulers, hooks."""
from . import atomic_files, checkpoint_loading  # noqa: F401  atomic local writes, the local checkpoint loader
from .fsdp_strategy import HarmonyFSDPStrategy
from .hooks import (DataPositionHook, FiniteCheckpointHook, HarmonyScheduleHook, KeyedRandomnessHook,
                    ZeroShotHook)
from .optimizers import LayerDecayOptimWrapperConstructor, PerParameterClipOptimWrapperConstructor
from .schedulers import LinearWarmupLR
from .cpu_runtime import adapt_config_for_cpu, init_cpu_process_group, use_cpu_distributed

__all__ = ['DataPositionHook', 'FiniteCheckpointHook', 'HarmonyFSDPStrategy', 'HarmonyScheduleHook',
           'KeyedRandomnessHook', 'LayerDecayOptimWrapperConstructor', 'LinearWarmupLR',
           'PerParameterClipOptimWrapperConstructor', 'ZeroShotHook', 'adapt_config_for_cpu', 'init_cpu_process_group',
           'use_cpu_distributed']
