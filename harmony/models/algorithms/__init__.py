from .data_preprocessor import PretrainingDataPreprocessor
from .distributed_wrapper import HarmonyDistributedDataParallel
from .fsdp_wrapper import HarmonyFullyShardedDataParallel
from .harmony import LOSS_GROUPS, OBJECTIVES, Harmony
from .nonfinite_guard import NonFiniteGuard, NonFiniteLossError
from .train_step import harmony_train_step

__all__ = ['LOSS_GROUPS', 'OBJECTIVES', 'Harmony', 'HarmonyDistributedDataParallel', 'HarmonyFullyShardedDataParallel',
           'NonFiniteGuard',
           'NonFiniteLossError', 'PretrainingDataPreprocessor', 'harmony_train_step']
