"""Models: the HarmonyViT backbone, the text tower, necks for dense tasks (algorithm, heads and losses join here)."""
from .backbones import HarmonyViT
from .heads import MAEDecoder, MLMDecoder, ProjectionHead
from .losses import (IBOTLoss, MaskedLanguageModelingLoss, MaskedPixelLoss, SoftCLIPLoss,
                     TextDistillationLoss)
from .necks import SimpleFeaturePyramid, ViTFeaturePyramid
from .text import CaptionTokenizer, HarmonyTextEncoder

__all__ = [
    'CaptionTokenizer', 'HarmonyTextEncoder', 'HarmonyViT', 'IBOTLoss', 'MAEDecoder', 'MLMDecoder',
    'MaskedLanguageModelingLoss', 'MaskedPixelLoss', 'ProjectionHead', 'SimpleFeaturePyramid', 'SoftCLIPLoss',
    'TextDistillationLoss', 'ViTFeaturePyramid'
]
