"""Pre-training transforms: multi-crop, patch masks, caption tokenisation, packing."""
from .caption import TokenizeCaption
from .masking import BlockwiseMasks, PatchShuffle, blockwise_mask
from .multi_crop import MultiCrop
from .packing import PackPretrainingInputs

__all__ = ['BlockwiseMasks', 'MultiCrop', 'PackPretrainingInputs', 'PatchShuffle',
           'TokenizeCaption', 'blockwise_mask']
