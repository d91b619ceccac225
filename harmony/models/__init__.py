"""Models: the Harmony algorithm, the HarmonyViT backbone, the text tower, heads, losses, necks."""
from .algorithms import Harmony, HarmonyDistributedDataParallel, NonFiniteLossError, PretrainingDataPreprocessor
from .backbones import HarmonyViT
from .heads import MAEDecoder, MLMDecoder, ProjectionHead
from .losses import (IBOTLoss, MaskedLanguageModelingLoss, MaskedPixelLoss, SoftCLIPLoss,
                     TextDistillationLoss)
from .objectives import (CLIPObjective, IBOTObjective, MAEObjective, MLMObjective, Objective,
                         TextDistillationObjective)
from .necks import SimpleFeaturePyramid, ViTFeaturePyramid
from .text import HarmonyTextEncoder

__all__ = [
    'CLIPObjective', 'Harmony', 'HarmonyDistributedDataParallel', 'HarmonyTextEncoder', 'HarmonyViT', 'IBOTLoss',
    'IBOTObjective', 'MAEObjective', 'MLMObjective', 'Objective', 'TextDistillationObjective',
    'MAEDecoder', 'MLMDecoder', 'MaskedLanguageModelingLoss', 'MaskedPixelLoss', 'NonFiniteLossError',
    'PretrainingDataPreprocessor', 'ProjectionHead',
    'SimpleFeaturePyramid', 'SoftCLIPLoss', 'TextDistillationLoss', 'ViTFeaturePyramid'
]
