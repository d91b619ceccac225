"""A generated world of coloured shapes, written in the formats of the real pre-training and downstream data."""
from .generate import SEG_CLASSES, generate_demo_data, is_complete
from .world import COLOURS, SHAPES

__all__ = ['COLOURS', 'SEG_CLASSES', 'SHAPES', 'generate_demo_data', 'is_complete']
