"""Engine pieces: runners, checkpoint writing and loading, CPU runtime adaptation, optimiser constructors,
schedulers, hooks."""
# atomic local writes, the local checkpoint loader, the one-line weight-initialisation report
from . import atomic_files, checkpoint_loading  # noqa: F401
from .fsdp_strategy import HarmonyFSDPStrategy
from .hooks import (DataPositionHook, FiniteCheckpointHook, HarmonyScheduleHook, KeyedRandomnessHook,
                    ZeroShotHook)
from .optimizers import (LayerDecayOptimWrapperConstructor, PerParameterClipOptimWrapperConstructor,
                         QuietOptimWrapperConstructor)
from .runners import HarmonyFlexibleRunner, HarmonyRunner
from .schedulers import LinearWarmupLR
from .cpu_runtime import adapt_config_for_cpu, init_cpu_process_group, use_cpu_distributed

__all__ = ['DataPositionHook', 'FiniteCheckpointHook', 'HarmonyFSDPStrategy', 'HarmonyFlexibleRunner', 'HarmonyRunner',
           'HarmonyScheduleHook', 'KeyedRandomnessHook', 'LayerDecayOptimWrapperConstructor', 'LinearWarmupLR',
           'PerParameterClipOptimWrapperConstructor', 'QuietOptimWrapperConstructor', 'ZeroShotHook',
           'adapt_config_for_cpu', 'init_cpu_process_group', 'use_cpu_distributed']
