"""The student encodings that passes produce and objectives consume (rows follow `PretrainingBatch`'s layout)."""
from dataclasses import dataclass
from typing import List, Optional

from torch import Tensor


@dataclass
class PairEncoding:
    """Each pair's first global crop, unmasked, and its caption: image_cls [B, C], text_embedding [B, D]."""

    image_cls: Tensor
    text_embedding: Tensor


@dataclass
class GlobalCropEncoding:
    """Global view `view` of the samples `samples` [R], with their blockwise masks [R, N] (None: unmasked):
    class tokens cls [R, C] and the masked patch tokens masked_tokens [M', C] (row-major; None: unmasked)."""

    view: int
    samples: Tensor
    cls: Tensor
    masks: Optional[Tensor] = None
    masked_tokens: Optional[Tensor] = None


@dataclass
class LocalCropEncoding:
    """Local views `views` of every sample: class tokens cls [len(views) * B, C], view-major."""

    views: List[int]
    cls: Tensor


@dataclass
class MaskedCaptionEncoding:
    """The text tower's tokens of the masked captions: tokens [B, T, width]."""

    tokens: Tensor
