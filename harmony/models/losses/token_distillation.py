"""The cross-entropy shared by iBOT's patch loss and text self-distillation."""
import torch.nn.functional as F


def masked_token_cross_entropy(teacher_probs, student_logits, mask):
    """Mean over sequences of the mean over their masked tokens of -sum(p_teacher * log_softmax(student)).

    teacher_probs, student_logits [B, N, K]; mask [B, N] bool. A sequence with no masked token adds 0 (as iBOT).
    """
    per_token = -(teacher_probs * F.log_softmax(student_logits, dim=-1)).sum(-1)  # [B, N]
    mask = mask.to(per_token.dtype)
    return ((per_token * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
