"""Models: the HarmonyViT backbone, the text tower, necks for dense tasks (algorithm, heads and losses join here)."""
from .backbones import HarmonyViT
from .losses import IBOTLoss, MaskedPixelLoss, SoftCLIPLoss
from .necks import SimpleFeaturePyramid, ViTFeaturePyramid
from .text import CaptionTokenizer, HarmonyTextEncoder

__all__ = ['CaptionTokenizer', 'HarmonyTextEncoder', 'HarmonyViT', 'IBOTLoss', 'MaskedPixelLoss', 'SoftCLIPLoss', 'SimpleFeaturePyramid', 'ViTFeaturePyramid']
