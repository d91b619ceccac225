"""Datasets: image-text pre-training data, the demo world and the demo downstream sets."""
from .demo_coco import DemoCocoDataset
from .demo_seg import DemoSegDataset

__all__ = ['DemoCocoDataset', 'DemoSegDataset']
