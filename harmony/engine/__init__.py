"""Engine pieces: checkpoint loading, CPU runtime adaptation, optimiser constructors, schedule hooks."""
from . import checkpoint_loading  # noqa: F401  registers the local checkpoint loader on import
from .hooks import DataPositionHook, HarmonyScheduleHook, ZeroShotHook
from .optimizers import LayerDecayOptimWrapperConstructor
from .cpu_runtime import adapt_config_for_cpu, init_cpu_process_group, use_cpu_distributed

__all__ = ['DataPositionHook', 'HarmonyScheduleHook', 'LayerDecayOptimWrapperConstructor', 'ZeroShotHook',
           'adapt_config_for_cpu', 'init_cpu_process_group', 'use_cpu_distributed']
