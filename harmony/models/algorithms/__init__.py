from .data_preprocessor import PretrainingDataPreprocessor
from .harmony import OBJECTIVES, Harmony

__all__ = ['OBJECTIVES', 'Harmony', 'PretrainingDataPreprocessor']
