from .data_preprocessor import PretrainingDataPreprocessor
from .distributed_wrapper import HarmonyDistributedDataParallel
from .fsdp_wrapper import HarmonyFullyShardedDataParallel
from .harmony import Harmony
from .nonfinite_guard import NonFiniteGuard, NonFiniteLossError
from .schedule import ScheduledValues
from .train_step import harmony_train_step

__all__ = ['Harmony', 'HarmonyDistributedDataParallel', 'HarmonyFullyShardedDataParallel', 'NonFiniteGuard',
           'NonFiniteLossError', 'PretrainingDataPreprocessor', 'ScheduledValues', 'harmony_train_step']
