"""iBOT self-distillation: CLS tokens across views and masked patch tokens within a view (Zhou et al., 2022)."""
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from ..utils.distributed import world_info
from .token_distillation import masked_token_cross_entropy


@MODELS.register_module()
class IBOTLoss(nn.Module):
    """Cross-entropy between the centred, sharpened teacher and the student, on head outputs (logits).

    CLS: every teacher global view q against every student view v != q (globals and locals), averaged over the
    pairs. Patch: teacher and student of the same global view, over the student's masked patches (mean per
    image over its masked patches, then over images and views). The teacher is centred with running means of its
    own outputs (all-reduced over ranks, momentum `center_momentum`), updated after the loss.

    Args:
        out_dim: head output size (8192 in the paper; CLS and patch share the head).
        num_global: number of global views (2).
        student_temperature: 0.1. Teacher temperatures are passed per call (scheduled by a hook).
        center_momentum: 0.9.
    """

    def __init__(self, out_dim, num_global=2, student_temperature=0.1, center_momentum=0.9):
        super().__init__()
        self.num_global = num_global
        self.student_temperature, self.center_momentum = student_temperature, center_momentum
        self.register_buffer('center', torch.zeros(1, out_dim))
        self.register_buffer('patch_center', torch.zeros(1, 1, out_dim))

    def forward(self, student_cls, student_patch, teacher_cls, teacher_patch, masks, teacher_temperature,
                teacher_patch_temperature):
        """student_cls [V*B, K] (global views first, then locals); student_patch, teacher_patch [G*B, N, K];
        teacher_cls [G*B, K]; masks [G*B, N] bool. Returns dict(loss_ibot_cls, loss_ibot_patch)."""
        batch = teacher_cls.shape[0] // self.num_global
        student_views = (student_cls / self.student_temperature).split(batch)
        with torch.no_grad():
            teacher_views = F.softmax((teacher_cls - self.center) / teacher_temperature, dim=-1).chunk(self.num_global)
            teacher_patches = F.softmax((teacher_patch - self.patch_center) / teacher_patch_temperature,
                                        dim=-1).chunk(self.num_global)
        student_patches = (student_patch / self.student_temperature).chunk(self.num_global)
        view_masks = masks.chunk(self.num_global)

        cls_terms, patch_terms = [], []
        for q, teacher in enumerate(teacher_views):
            for v, student in enumerate(student_views):
                if v == q:
                    patch_terms.append(masked_token_cross_entropy(teacher_patches[q], student_patches[q],
                                                                  view_masks[q]))
                else:
                    cls_terms.append(-(teacher * F.log_softmax(student, dim=-1)).sum(-1).mean())
        self.update_centers(teacher_cls, teacher_patch)
        return dict(loss_ibot_cls=torch.stack(cls_terms).mean(), loss_ibot_patch=torch.stack(patch_terms).mean())

    @torch.no_grad()
    def update_centers(self, teacher_cls, teacher_patch):
        """EMA of the teacher's batch means, all-reduced so that every rank keeps the same centre."""
        _, world_size = world_info()
        cls_mean = teacher_cls.sum(dim=0, keepdim=True)
        patch_mean = teacher_patch.mean(dim=1).sum(dim=0, keepdim=True).unsqueeze(1)
        if world_size > 1:
            dist.all_reduce(cls_mean)
            dist.all_reduce(patch_mean)
        count = teacher_cls.shape[0] * world_size
        self.center.mul_(self.center_momentum).add_(cls_mean / count, alpha=1 - self.center_momentum)
        self.patch_center.mul_(self.center_momentum).add_(patch_mean / count, alpha=1 - self.center_momentum)
