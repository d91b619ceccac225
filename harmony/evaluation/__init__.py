"""Evaluation: kNN and a multi-learning-rate linear probe on frozen features (DINO / DINOv2 protocols), and
image-text retrieval recall, the results table of many runs."""
from .feature_probes import extract_features, knn_accuracy, linear_probe, topk_accuracy
from .results_table import COLUMNS, collect, collect_run, markdown_table
from .retrieval import ImageTextRetrieval, retrieval_recall

__all__ = ['COLUMNS', 'ImageTextRetrieval', 'collect', 'collect_run', 'extract_features', 'knn_accuracy', 'linear_probe',
           'markdown_table', 'retrieval_recall', 'topk_accuracy']
