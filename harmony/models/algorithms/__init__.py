from .data_preprocessor import PretrainingDataPreprocessor
from .distributed_wrapper import HarmonyDistributedDataParallel
from .fsdp_wrapper import HarmonyFullyShardedDataParallel
from .harmony import OBJECTIVES, Harmony
from .nonfinite_guard import NonFiniteGuard, NonFiniteLossError
from .train_step import harmony_train_step

__all__ = ['OBJECTIVES', 'Harmony', 'HarmonyDistributedDataParallel', 'HarmonyFullyShardedDataParallel',
           'NonFiniteGuard', 'NonFiniteLossError', 'PretrainingDataPreprocessor', 'harmony_train_step']
