"""Pre-training objectives as modules of their own, separate from the networks that feed them."""
from .ibot_loss import IBOTLoss
from .masked_pixel_loss import MaskedPixelLoss, patchify
from .mlm_loss import MaskedLanguageModelingLoss
from .soft_clip_loss import SoftCLIPLoss, soft_cross_entropy
from .text_distillation_loss import TextDistillationLoss
from .token_distillation import masked_token_weights, weighted_cross_entropy

__all__ = [
    'IBOTLoss', 'MaskedLanguageModelingLoss', 'MaskedPixelLoss', 'SoftCLIPLoss', 'TextDistillationLoss',
    'masked_token_weights', 'patchify', 'soft_cross_entropy', 'weighted_cross_entropy'
]
