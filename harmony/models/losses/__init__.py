"""Pre-training objectives as modules of their own, separate from the networks that feed them."""
from .soft_clip_loss import SoftCLIPLoss, soft_cross_entropy

__all__ = ['SoftCLIPLoss', 'soft_cross_entropy']
