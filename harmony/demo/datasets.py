"""The demo world's downstream sets as upstream datasets: segmentation in ADE20K layout (mmseg), instances as
COCO JSON (mmdet)."""
from mmdet.datasets import CocoDataset
from mmseg.datasets import ADE20KDataset

from harmony.registry import DATASETS
from .generate import SEG_CLASSES
from .world import SHAPES

SEG_PALETTE = [[120, 120, 120], [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
               [145, 30, 180]]  # one per class of SEG_CLASSES


@DATASETS.register_module()
class DemoSegDataset(ADE20KDataset):
    """ADE20K-layout segmentation of the demo world: class 0 is the background, then one class per shape.

    Label PNGs store 0 for ADE's 'other' (ignored), 1 for background and 2+ for shapes; as in ADE20K,
    ``reduce_zero_label=True`` maps them to 255, 0, 1+.
    """
    METAINFO = dict(classes=SEG_CLASSES, palette=SEG_PALETTE)


@DATASETS.register_module()
class DemoCocoDataset(CocoDataset):
    """COCO-format instances of the demo world: one category per shape, polygon masks."""
    METAINFO = dict(classes=SHAPES, palette=[tuple(c) for c in SEG_PALETTE[1:]])
