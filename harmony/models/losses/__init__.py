"""Pre-training objectives as modules of their own, separate from the networks that feed them."""
from .ibot_loss import IBOTLoss
from .masked_pixel_loss import MaskedPixelLoss, patchify
from .soft_clip_loss import SoftCLIPLoss, soft_cross_entropy

__all__ = ['IBOTLoss', 'MaskedPixelLoss', 'patchify', 'SoftCLIPLoss', 'soft_cross_entropy']
