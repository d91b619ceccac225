"""Masked language modelling on captions: predict the original ids of the [MASK]ed tokens."""
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS


@MODELS.register_module()
class MaskedLanguageModelingLoss(nn.Module):
    """Cross-entropy over the masked positions only.

    The decoder should compute vocabulary logits only at those positions (``logits`` [M, V] for the M masked
    tokens of the batch, in ``mask.nonzero()`` order): 49,409-way logits at every position would cost ~5x more.
    """

    def forward(self, logits, original_ids, mask):
        """logits [M, V]; original_ids [B, L] (caption before masking); mask [B, L] bool with M True entries."""
        targets = original_ids[mask]
        if logits.shape[0] != targets.shape[0]:
            raise ValueError(f'{logits.shape[0]} logit rows for {targets.shape[0]} masked tokens')
        if targets.numel() == 0:
            return logits.sum() * 0.0  # no masked token in this batch: zero loss that keeps the graph
        return F.cross_entropy(logits, targets)
