"""Text self-distillation: the student on the masked caption matches the EMA text teacher on the full caption."""
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from ..utils.distributed import world_info
from .token_distillation import weighted_cross_entropy


@MODELS.register_module()
class TextDistillationLoss(nn.Module):
    """iBOT-patch-style distillation over the masked tokens of a caption (mean per caption over its masked
    tokens, then over the captions).

    The teacher's token outputs are centred and sharpened; the centre is a running mean over the real tokens
    only (the reference code also averaged the padding, which pulls the centre towards the padding output).
    `targets` (once per step) gives the teacher probabilities at the masked tokens and updates the centre.

    Args:
        out_dim: head output size (2048 in the paper).
        student_temperature: 0.1; the teacher temperature is passed per call (scheduled, as iBOT's patch one).
        center_momentum: 0.9.
    """

    def __init__(self, out_dim, student_temperature=0.1, center_momentum=0.9):
        super().__init__()
        self.student_temperature, self.center_momentum = student_temperature, center_momentum
        self.register_buffer('center', torch.zeros(1, 1, out_dim))

    @torch.no_grad()
    def targets(self, teacher_masked, teacher_sum, num_tokens, teacher_temperature):
        """teacher_masked [M, K]: teacher logits at the masked real tokens; teacher_sum [K]: the sum of its
        logits over all real tokens, num_tokens their count (for the centre). -> probabilities [M, K]."""
        probs = F.softmax((teacher_masked - self.center[0]) / teacher_temperature, dim=-1)
        self.update_center(teacher_sum, num_tokens)
        return probs

    def forward(self, student_masked, teacher_probs, weights):
        """student_masked [M, K] logits at the masked real tokens; teacher_probs [M, K] from `targets`;
        weights [M] (`masked_token_weights` with denominator B). Returns the scalar loss."""
        return weighted_cross_entropy(teacher_probs, student_masked / self.student_temperature, weights)

    @torch.no_grad()
    def update_center(self, teacher_sum, num_tokens):
        """EMA of the mean teacher output over the real tokens of all ranks."""
        _, world_size = world_info()
        stats = torch.cat([teacher_sum, torch.as_tensor(num_tokens, dtype=teacher_sum.dtype,
                                                        device=teacher_sum.device).reshape(1)])
        if world_size > 1:
            dist.all_reduce(stats)
        mean = stats[:-1] / stats[-1].clamp(min=1.0)
        self.center.mul_(self.center_momentum).add_(mean.view(1, 1, -1), alpha=1 - self.center_momentum)
