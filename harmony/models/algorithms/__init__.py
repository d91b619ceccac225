from .data_preprocessor import PretrainingDataPreprocessor
from .harmony import LOSS_GROUPS, OBJECTIVES, Harmony
from .sequential_backward import HarmonyDistributedDataParallel, sequential_train_step

__all__ = ['LOSS_GROUPS', 'OBJECTIVES', 'Harmony', 'HarmonyDistributedDataParallel', 'PretrainingDataPreprocessor',
           'sequential_train_step']
