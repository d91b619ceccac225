"""Evaluation on frozen features: kNN and a multi-learning-rate linear probe (DINO / DINOv2 protocols)."""
from .feature_probes import extract_features, knn_accuracy, linear_probe, topk_accuracy

__all__ = ['extract_features', 'knn_accuracy', 'linear_probe', 'topk_accuracy']
