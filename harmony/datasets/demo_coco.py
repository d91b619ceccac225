"""The demo instance set as COCO JSON, as an mmdet dataset."""
from mmdet.datasets import CocoDataset

from harmony.registry import DATASETS
from .demo import SHAPES
from .demo_seg import SEG_PALETTE


@DATASETS.register_module()
class DemoCocoDataset(CocoDataset):
    """COCO-format instances of the demo world: one category per shape, polygon masks."""
    METAINFO = dict(classes=SHAPES, palette=[tuple(c) for c in SEG_PALETTE[1:]])
