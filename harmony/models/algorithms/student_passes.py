"""The student passes that objectives share, and the plan of one step's passes."""
import math
from dataclasses import dataclass
from typing import Tuple

import torch

from ..objectives import (GlobalCropEncoding, LocalCropEncoding, MaskedCaptionEncoding, PairEncoding,
                          StudentPass)


def cls_query(crops):
    """[B, 1] position 0: the class token alone is read from the ViT's last block."""
    return torch.zeros(crops.shape[0], 1, dtype=torch.long, device=crops.device)


@dataclass(frozen=True)
class PairPass(StudentPass):
    """Global crop 1, unmasked (class token only), and the captions.

    masked_captions: the masked captions go through the text tower in the same call.
    unmasked_ibot_rows: crop 1's class tokens also serve as the iBOT student's for the images whose crop-1 mask is
        empty (their iBOT input is that very crop); `GlobalCropPass` of view 0 then encodes only the others.
    """

    masked_captions: bool
    unmasked_ibot_rows: bool

    def encode(self, model, batch):
        size = batch.batch_size
        crops = batch.global_crops[batch.view_rows(0)]
        cls = model.backbone.forward_tokens(crops, queries=cls_query(crops))[:, 0]  # [B, C]
        captions = torch.cat([batch.text, batch.masked_text]) if self.masked_captions else batch.text
        text, text_tokens = model.text_encoder(captions)  # [B or 2B, D], [B or 2B, T, width]
        encodings = [PairEncoding(cls, text[:size])]
        if self.unmasked_ibot_rows:
            samples = (~batch.ibot_masks[batch.view_rows(0)].any(dim=1)).nonzero()[:, 0]
            if len(samples):
                encodings.append(GlobalCropEncoding(0, samples, cls[samples]))
        if self.masked_captions:
            encodings.append(MaskedCaptionEncoding(text_tokens[size:]))
        return encodings


@dataclass(frozen=True)
class GlobalCropPass(StudentPass):
    """Global view `view` with its blockwise masks; only the class token and the masked patches are read (sorted
    first, the unmasked ones as padding). only_masked: only the images whose mask is not empty."""

    view: int
    only_masked: bool = False

    def encode(self, model, batch):
        rows = batch.view_rows(self.view)
        crops, masks = batch.global_crops[rows], batch.ibot_masks[rows]  # [B, 3, H, W], [B, N]
        samples = torch.arange(batch.batch_size, device=masks.device)
        if self.only_masked:
            samples = masks.any(dim=1).nonzero()[:, 0]
            if not len(samples):
                return []
            crops, masks = crops[samples], masks[samples]
        counts = masks.sum(dim=1)
        order = torch.argsort((~masks).to(torch.uint8), dim=1, stable=True)[:, :int(counts.max())]
        queries = torch.cat([cls_query(masks), order + 1], dim=1)  # [R, 1 + max masked]
        tokens = model.backbone.forward_tokens(crops, masks, queries)
        read = torch.arange(order.shape[1], device=order.device) < counts[:, None]  # [R, max masked]
        return [GlobalCropEncoding(self.view, samples, tokens[:, 0], masks, tokens[:, 1:][read])]


@dataclass(frozen=True)
class LocalCropPass(StudentPass):
    """The local views `views` of every sample (class token only)."""

    views: Tuple[int, ...]

    def encode(self, model, batch):
        crops = batch.local_crops[batch.local_rows(self.views)]  # view-major
        cls = model.backbone.forward_tokens(crops, queries=cls_query(crops))[:, 0]  # [V*B, C]
        return [LocalCropEncoding(list(self.views), cls)]


@dataclass(frozen=True)
class MaskedCaptionPass(StudentPass):
    """The masked captions alone (when no `PairPass` carries them)."""

    def encode(self, model, batch):
        return [MaskedCaptionEncoding(model.text_encoder(batch.masked_text)[1])]


def plan_student_passes(objectives, batch, patch_size):
    """The student passes of one step, in order: `PairPass`, a `GlobalCropPass` per global view, `LocalCropPass`
    chunks of at most one global crop's tokens, `MaskedCaptionPass` — each where an objective consumes what it
    encodes — then the passes objectives run for themselves. The plan depends on the batch's shapes only, so every
    rank runs the same passes.

    Args:
        objectives: the model's `Objective`s (their `consumes`; their own passes are added by the caller).
    """
    consumed = {kind for objective in objectives for kind in objective.consumes}
    plan = []
    pair = PairEncoding in consumed
    if pair:
        plan.append(PairPass(masked_captions=MaskedCaptionEncoding in consumed,
                             unmasked_ibot_rows=GlobalCropEncoding in consumed))
    if GlobalCropEncoding in consumed:
        plan += [GlobalCropPass(view, only_masked=pair and view == 0) for view in range(batch.num_global)]
    if LocalCropEncoding in consumed and batch.num_local:
        crop_tokens = [crops.shape[-2] * crops.shape[-1] // patch_size ** 2 + 1
                       for crops in (batch.global_crops, batch.local_crops)]
        chunks = math.ceil(batch.num_local / max(crop_tokens[0] // crop_tokens[1], 1))
        plan += [LocalCropPass(tuple(views.tolist())) for views in torch.arange(batch.num_local).tensor_split(chunks)]
    if MaskedCaptionEncoding in consumed and not pair:
        plan.append(MaskedCaptionPass())
    return plan
