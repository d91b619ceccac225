"""A generated world of coloured shapes, written in the formats of the real pre-training and downstream data."""
from .generate import CLASS_NAMES, SEG_CLASSES, generate_demo_data, is_complete
from .world import COLOURS, SHAPES

__all__ = ['CLASS_NAMES', 'COLOURS', 'SEG_CLASSES', 'SHAPES', 'generate_demo_data', 'is_complete']
