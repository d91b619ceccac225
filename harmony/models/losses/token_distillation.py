"""The token-level cross-entropy shared by iBOT's patch loss and text self-distillation."""
import torch
import torch.nn.functional as F


def weighted_cross_entropy(teacher_probs, student_logits, weights):
    """sum over rows of weights * -sum(p_teacher * log_softmax(student)): [M, K], [M, K], [M] -> scalar."""
    return -((teacher_probs * F.log_softmax(student_logits, dim=-1)).sum(-1) * weights).sum()


def masked_token_weights(mask, denominator):
    """Weight of each masked token (row-major order of `mask` [R, N] bool) in a mean over its row's masked
    tokens, divided by `denominator` (the number of rows the loss averages over): [M]. Rows without a masked
    token add nothing (as iBOT)."""
    counts = mask.sum(dim=1, keepdim=True).expand_as(mask)[mask]  # [M]
    return 1.0 / (counts.to(torch.float32) * denominator)
