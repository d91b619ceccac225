"""Data structures shared by the data pipeline and the models."""
from .pretraining_batch import PretrainingBatch, PretrainingSample

__all__ = ['PretrainingBatch', 'PretrainingSample']
