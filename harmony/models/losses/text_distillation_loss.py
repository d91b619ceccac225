"""Text self-distillation: the student on the masked caption matches the EMA text teacher on the full caption."""
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from ..utils.distributed import world_info
from .token_distillation import weighted_cross_entropy

CENTRES = ('logits', 'probabilities')


@MODELS.register_module()
class TextDistillationLoss(nn.Module):
    """iBOT-patch-style distillation over the masked tokens of a caption (mean per caption over its masked
    tokens, then over the captions).

    The teacher's token outputs are centred and sharpened. `targets` (once per step) gives the teacher
    probabilities at the masked tokens and then updates the centre.

    Args:
        out_dim: head output size (2048 in the paper).
        student_temperature: 0.1; the teacher temperature is passed per call (scheduled, as iBOT's patch one).
        center_momentum: 0.9.
        center: what the running centre averages. 'logits': the teacher's logits over the real tokens, as iBOT
            centres its logits. 'probabilities': the reference's, the teacher's centred probabilities over every
            context position, padding included; subtracted from logits, this centre (entries summing to at most
            1) barely moves them.
    """

    def __init__(self, out_dim, student_temperature=0.1, center_momentum=0.9, center='logits'):
        super().__init__()
        if center not in CENTRES:
            raise ValueError(f'text_dist_loss.center must be one of {CENTRES}, got {center!r}')
        self.student_temperature, self.center_momentum, self.center_statistic = (student_temperature,
                                                                                  center_momentum, center)
        self.register_buffer('center', torch.zeros(1, 1, out_dim))

    @torch.no_grad()
    def targets(self, teacher_masked, teacher_temperature, logit_sum=None, num_tokens=None, all_logits=None):
        """Teacher probabilities [M, K] at the masked real tokens (teacher_masked [M, K] logits), then the centre
        update from what `center` averages: with 'logits' the sum of the teacher's logits over the real tokens
        `logit_sum` [K] and their count `num_tokens`; with 'probabilities' the logits at every position
        `all_logits` [B, L, K] (L the full context)."""
        probs = F.softmax((teacher_masked - self.center[0]) / teacher_temperature, dim=-1)
        if self.center_statistic == 'logits':
            if logit_sum is None or num_tokens is None:
                raise ValueError("center='logits' updates from logit_sum and num_tokens")
            self.update_center(logit_sum, num_tokens)
        else:
            if all_logits is None:
                raise ValueError("center='probabilities' updates from all_logits")
            all_probs = F.softmax((all_logits - self.center) / teacher_temperature, dim=-1)  # [B, L, K]
            self.update_center(all_probs.sum(dim=(0, 1)), all_probs.shape[0] * all_probs.shape[1])
        return probs

    def forward(self, student_masked, teacher_probs, weights):
        """student_masked [M, K] logits at the masked real tokens; teacher_probs [M, K] from `targets`;
        weights [M] (`masked_token_weights` with denominator B). Returns the scalar loss."""
        return weighted_cross_entropy(teacher_probs, student_masked / self.student_temperature, weights)

    @torch.no_grad()
    def update_center(self, total, count):
        """EMA of the mean over `count` rows of all ranks, given their sum `total` [K]."""
        _, world_size = world_info()
        stats = torch.cat([total, torch.as_tensor(count, dtype=total.dtype, device=total.device).reshape(1)])
        if world_size > 1:
            dist.all_reduce(stats)
        mean = stats[:-1] / stats[-1].clamp(min=1.0)
        self.center.mul_(self.center_momentum).add_(mean.view(1, 1, -1), alpha=1 - self.center_momentum)
