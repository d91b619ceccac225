"""Text self-distillation: the student on the masked caption matches the EMA text teacher on the full caption."""
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from ..utils.distributed import world_info
from .token_distillation import masked_token_cross_entropy


@MODELS.register_module()
class TextDistillationLoss(nn.Module):
    """iBOT-patch-style distillation over the masked tokens of a caption.

    The teacher's token outputs are centred and sharpened; the centre is a running mean over the real tokens
    only (the reference code also averaged the padding, which pulls the centre towards the padding output).

    Args:
        out_dim: head output size (2048 in the paper).
        student_temperature: 0.1; the teacher temperature is passed per call (scheduled, as iBOT's patch one).
        center_momentum: 0.9.
    """

    def __init__(self, out_dim, student_temperature=0.1, center_momentum=0.9):
        super().__init__()
        self.student_temperature, self.center_momentum = student_temperature, center_momentum
        self.register_buffer('center', torch.zeros(1, 1, out_dim))

    def forward(self, student, teacher, masked, valid, teacher_temperature):
        """student, teacher: head outputs [B, L, K]; masked: [B, L] bool, the tokens replaced by [MASK];
        valid: [B, L] bool, real tokens (not padding). Returns the scalar loss."""
        with torch.no_grad():
            teacher_probs = F.softmax((teacher - self.center) / teacher_temperature, dim=-1)
        loss = masked_token_cross_entropy(teacher_probs, student / self.student_temperature, masked & valid)
        self.update_center(teacher, valid)
        return loss

    @torch.no_grad()
    def update_center(self, teacher, valid):
        """EMA of the mean teacher output over real tokens of all ranks."""
        _, world_size = world_info()
        weights = valid.to(teacher.dtype).unsqueeze(-1)
        stats = torch.cat([(teacher * weights).sum(dim=(0, 1)), weights.sum().reshape(1)])
        if world_size > 1:
            dist.all_reduce(stats)
        mean = stats[:-1] / stats[-1].clamp(min=1.0)
        self.center.mul_(self.center_momentum).add_(mean.view(1, 1, -1), alpha=1 - self.center_momentum)
