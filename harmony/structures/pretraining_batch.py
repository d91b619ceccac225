"""The pre-training sample (made by the pipeline) and batch (made by the collate function, read by the model).

View layout, written down here only: a sample holds its views stacked, view first ([V, ...]); a batch holds them
**view-major**, row ``v * B + b`` being view ``v`` of sample ``b`` (all samples' first global crop, then all
second ones; the local crops likewise). Fields of objectives that a pipeline leaves out are None.
"""
import dataclasses
from dataclasses import dataclass
from typing import Optional

import torch
from torch import Tensor

VIEW_FIELDS = ('global_crops', 'local_crops', 'global_photometric', 'local_photometric', 'ibot_masks', 'mae_shuffle',
               'mae_restore')
CAPTION_FIELDS = ('text', 'masked_text', 'mlm_mask')


@dataclass
class PretrainingFields:
    """The tensors of a pre-training sample or batch; None for those of objectives the pipeline leaves out."""

    global_crops: Tensor
    local_crops: Optional[Tensor] = None
    global_photometric: Optional[Tensor] = None
    local_photometric: Optional[Tensor] = None
    ibot_masks: Optional[Tensor] = None
    mae_shuffle: Optional[Tensor] = None
    mae_restore: Optional[Tensor] = None
    text: Optional[Tensor] = None
    masked_text: Optional[Tensor] = None
    mlm_mask: Optional[Tensor] = None


@dataclass
class PretrainingSample(PretrainingFields):
    """One image-text pair, augmented (`PackPretrainingInputs`).

    global_crops: [G, 3, H, W] uint8; local_crops: [L, 3, h, w] uint8; global_photometric, local_photometric:
    [G, P], [L, P] float, each view's colour/blur/solarisation parameters when the device applies them
    (`harmony.datasets.photometric`); ibot_masks: [G, N] bool (N patches of a
    global crop); mae_shuffle, mae_restore: [G, N] long (a random patch order and its inverse); text,
    masked_text: [T] long token ids (0 pads); mlm_mask: [T] bool (the masked tokens).
    """


@dataclass(kw_only=True)
class PretrainingBatch(PretrainingFields):
    """B samples, views view-major (module docstring). The crops are uint8 as collated and normalised floats
    after `PretrainingDataPreprocessor` (which applies and drops the photometric parameters); captions may be
    trimmed to the batch's longest.

    global_crops: [G*B, 3, H, W]; local_crops: [L*B, 3, h, w]; global_photometric, local_photometric: [G*B, P],
    [L*B, P]; ibot_masks, mae_shuffle, mae_restore: [G*B, N];
    text, masked_text, mlm_mask: [B, T]; num_global: G.
    """

    num_global: int

    @classmethod
    def collate(cls, samples):
        """[PretrainingSample] -> PretrainingBatch (each view field stacked view-major)."""
        first = samples[0]
        fields = {}
        for field in VIEW_FIELDS + CAPTION_FIELDS:
            values = [getattr(sample, field) for sample in samples]
            if values[0] is None:
                continue
            if any(value is None for value in values):
                raise ValueError(f'some samples of this batch have {field} and some do not: every sample must go '
                                 'through the same pipeline')
            stacked = torch.stack(values)  # [B, V, ...] or [B, T]
            fields[field] = stacked.transpose(0, 1).flatten(0, 1) if field in VIEW_FIELDS else stacked
        return cls(num_global=first.global_crops.shape[0], **fields)

    @property
    def batch_size(self):
        return self.global_crops.shape[0] // self.num_global

    @property
    def num_local(self):
        """Local crops per sample (0 without local crops)."""
        return 0 if self.local_crops is None else self.local_crops.shape[0] // self.batch_size

    def view_rows(self, view):
        """Rows of global view `view`: a slice of the view-major global fields."""
        return slice(view * self.batch_size, (view + 1) * self.batch_size)

    def local_rows(self, views):
        """Rows of the consecutive local views `views` (a list of view indices): a slice of `local_crops`."""
        return slice(views[0] * self.batch_size, (views[-1] + 1) * self.batch_size)

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def apply(self, fn):
        """A batch with `fn` applied to every tensor field (e.g. moving to a device)."""
        return self.replace(**{field.name: fn(value) for field in dataclasses.fields(self)
                               if isinstance(value := getattr(self, field.name), Tensor)})

    def pin_memory(self):
        """Called by the DataLoader with ``pin_memory=True``."""
        return self.apply(Tensor.pin_memory)
