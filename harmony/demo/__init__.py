"""A generated world of coloured shapes, written in the formats of the real pre-training and downstream data.

The fixture of the embedded demo, not library data: `harmony.demo.datasets` reads its segmentation and
instance sets as mmseg and mmdet datasets (`harmony.DemoSegDataset`, `harmony.DemoCocoDataset`).
"""
from .generate import CLASS_NAMES, COLOUR_NAMES, SEG_CLASSES, generate_demo_data, is_complete
from .world import COLOURS, SHAPES, render_scene

__all__ = ['CLASS_NAMES', 'COLOUR_NAMES', 'COLOURS', 'SEG_CLASSES', 'SHAPES', 'generate_demo_data', 'is_complete',
           'render_scene']
