"""iBOT self-distillation: CLS tokens across views and masked patch tokens within a view (Zhou et al., 2022)."""
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from ..utils.distributed import world_info
from .token_distillation import weighted_cross_entropy


@MODELS.register_module()
class IBOTLoss(nn.Module):
    """Cross-entropy between the centred, sharpened teacher and the student, on head outputs (logits).

    CLS: every teacher global view q against every student view v != q (globals and locals), averaged over the
    pairs and the batch. Patch: teacher and student of the same global view, over the student's masked patches
    (mean per image over its masked patches, then over the images of all global views). The teacher is centred
    with running means of its own outputs (all-reduced over ranks, momentum `center_momentum`).

    Two steps, so that the student can be encoded (and back-propagated) piece by piece: `targets` turns the
    teacher's logits into probabilities once per step and then updates the centres; `cls_loss` and
    `patch_loss` give the share of any set of student rows or tokens, and the shares add up to the loss of the
    whole batch.

    Args:
        out_dim: head output size (8192 in the paper; CLS and patch share the head).
        num_global: number of global views (2).
        student_temperature: 0.1. Teacher temperatures are passed per call (scheduled by a hook).
        center_momentum: 0.9.
        cls_weight, patch_weight: multipliers of the two losses (iBOT: 1 each; the Harmony reference: 0.5 each).
    """

    def __init__(self, out_dim, num_global=2, student_temperature=0.1, center_momentum=0.9, cls_weight=1.0,
                 patch_weight=1.0):
        super().__init__()
        self.num_global, self.cls_weight, self.patch_weight = num_global, cls_weight, patch_weight
        self.student_temperature, self.center_momentum = student_temperature, center_momentum
        self.register_buffer('center', torch.zeros(1, out_dim))
        self.register_buffer('patch_center', torch.zeros(1, 1, out_dim))

    @torch.no_grad()
    def targets(self, teacher_cls, teacher_patch, teacher_patch_mean, teacher_temperature,
                teacher_patch_temperature):
        """Teacher probabilities with the current centres, then the centre update.

        teacher_cls [G*B, K] (view-major); teacher_patch [M, K] at the masked patches (row-major over the
        [G*B, N] masks); teacher_patch_mean [G*B, K], each image's mean over all its patches.
        Returns dict(cls=[G*B, K], patch=[M, K]) probabilities."""
        probs = dict(cls=F.softmax((teacher_cls - self.center) / teacher_temperature, dim=-1),
                     patch=F.softmax((teacher_patch - self.patch_center[0]) / teacher_patch_temperature, dim=-1))
        self.update_centers(teacher_cls, teacher_patch_mean)
        return probs

    def cls_loss(self, student_cls, teacher_cls_probs, views, samples, num_views):
        """Share of `loss_ibot_cls` of student rows: logits [R, K] of views `views` [R] (0..G-1 global, then
        local) of samples `samples` [R]; teacher_cls_probs [G*B, K] from `targets`; num_views: G + locals."""
        batch = teacher_cls_probs.shape[0] // self.num_global
        log_probs = F.log_softmax(student_cls / self.student_temperature, dim=-1)  # [R, K]
        total = student_cls.new_zeros(())
        for q in range(self.num_global):
            cross = -(teacher_cls_probs[q * batch + samples] * log_probs).sum(-1)  # [R]
            total = total + (cross * (views != q)).sum()
        pairs = self.num_global * (num_views - 1)
        return total * self.cls_weight / (batch * pairs)

    def patch_loss(self, student_patch, teacher_patch_probs, weights):
        """Share of `loss_ibot_patch` of masked patch tokens: student logits [M', K], their teacher
        probabilities [M', K] and weights [M'] (`masked_token_weights` with denominator G*B)."""
        return self.patch_weight * weighted_cross_entropy(teacher_patch_probs, student_patch / self.student_temperature,
                                                          weights)

    @torch.no_grad()
    def update_centers(self, teacher_cls, teacher_patch_mean):
        """EMA of the teacher's batch means (CLS; per-image mean patch), all-reduced so that every rank keeps
        the same centres: teacher_cls, teacher_patch_mean [G*B, K]."""
        _, world_size = world_info()
        sums = torch.stack([teacher_cls.sum(dim=0), teacher_patch_mean.sum(dim=0)])  # [2, K]
        if world_size > 1:
            dist.all_reduce(sums)
        means = sums / (teacher_cls.shape[0] * world_size)
        self.center.mul_(self.center_momentum).add_(means[:1], alpha=1 - self.center_momentum)
        self.patch_center.mul_(self.center_momentum).add_(means[1].view(1, 1, -1), alpha=1 - self.center_momentum)
