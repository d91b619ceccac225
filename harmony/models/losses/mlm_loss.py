"""Masked language modelling on captions: predict the original ids of the [MASK]ed tokens."""
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from ..utils.distributed import world_info


@MODELS.register_module()
class MaskedLanguageModelingLoss(nn.Module):
    """Cross-entropy over the masked positions only, averaged over the masked tokens of the global batch.

    Ranks mask different numbers of tokens, so each rank divides its sum by the all-reduced count (times the
    world size, which DDP's gradient averaging divides out): N processes give the loss and gradients of one
    process with the whole batch.

    The decoder should compute vocabulary logits only at those positions (``logits`` [M, V] for the M masked
    tokens of the batch, in ``mask.nonzero()`` order): 49,409-way logits at every position would cost ~5x more.
    """

    def forward(self, logits, original_ids, mask):
        """logits [M, V]; original_ids [B, L] (caption before masking); mask [B, L] bool with M True entries."""
        targets = original_ids[mask]
        if logits.shape[0] != targets.shape[0]:
            raise ValueError(f'{logits.shape[0]} logit rows for {targets.shape[0]} masked tokens')
        _, world_size = world_info()
        count = torch.tensor(float(targets.numel()), device=logits.device)
        if world_size > 1:
            dist.all_reduce(count)
        total = F.cross_entropy(logits, targets, reduction='sum')  # 0 (graph kept) when no token is masked
        return total * world_size / count.clamp(min=1.0)
