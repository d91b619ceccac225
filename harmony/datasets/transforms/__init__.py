"""Pre-training transforms: image loading, multi-crop, patch masks, caption tokenisation, packing."""
from .caption import TokenizeCaption
from .masking import BlockwiseMasks, PatchShuffle, blockwise_mask
from .multi_crop import LoadImageRGB, MultiCrop
from .packing import PackPretrainingInputs

__all__ = ['BlockwiseMasks', 'LoadImageRGB', 'MultiCrop', 'PackPretrainingInputs', 'PatchShuffle',
           'TokenizeCaption', 'blockwise_mask']
