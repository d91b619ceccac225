"""Models: the HarmonyViT backbone and necks for dense tasks (the algorithm, heads and losses join here)."""
from .backbones import HarmonyViT
from .necks import SimpleFeaturePyramid, ViTFeaturePyramid

__all__ = ['HarmonyViT', 'SimpleFeaturePyramid', 'ViTFeaturePyramid']
