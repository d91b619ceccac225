"""CLIP contrastive loss with soft targets from the EMA teacher (Harmony, §3: no reliance on one-to-one pairs)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from ..utils.distributed import gather_with_grad, world_info


def soft_cross_entropy(logits, targets):
    """Mean over rows of -sum(targets * log_softmax(logits)): logits, targets [B, N]."""
    return -(targets * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()


@MODELS.register_module()
class SoftCLIPLoss(nn.Module):
    """Symmetric InfoNCE whose targets mix the true pairs with the teacher's similarity distribution.

    For each local image i against all texts t of the global batch (and text against images):
        target = w * onehot(i's caption) + (1 - w) * softmax(<teacher_img_i, teacher_txt_t> / teacher_temperature)
    with `w` the hard-label weight (scheduled 1 -> 0.2 by a hook). Features are gathered from every rank with
    gradient, and labels are offset by the rank, so N processes give the loss of one process with the full batch.

    Args:
        teacher_temperature: temperature of the teacher's similarity softmax (0.1 in the paper).
    """

    def __init__(self, teacher_temperature=0.1):
        super().__init__()
        self.teacher_temperature = teacher_temperature

    def forward(self, image, text, logit_scale, hard_weight=1.0, teacher_image=None, teacher_text=None):
        """image, text: L2-normalised student features [B, D]; logit_scale: scalar (already exp'd and clamped);
        teacher_image, teacher_text: L2-normalised teacher features [B, D], needed when hard_weight < 1."""
        rank, _ = world_info()
        all_image, all_text = gather_with_grad(image), gather_with_grad(text)  # [W*B, D]
        logits_per_image = logit_scale * image @ all_text.t()  # [B, W*B]
        logits_per_text = logit_scale * text @ all_image.t()  # [B, W*B]
        labels = torch.arange(image.shape[0], device=image.device) + rank * image.shape[0]
        hard = F.one_hot(labels, all_text.shape[0]).to(logits_per_image.dtype)
        if hard_weight >= 1.0:
            targets_image = targets_text = hard
        else:
            if teacher_image is None or teacher_text is None:
                raise ValueError(f'hard_weight={hard_weight} < 1 needs the teacher features for soft targets')
            with torch.no_grad():
                all_teacher_image, all_teacher_text = gather_with_grad(teacher_image), gather_with_grad(teacher_text)
                soft_image = F.softmax(teacher_image @ all_teacher_text.t() / self.teacher_temperature, dim=-1)
                soft_text = F.softmax(teacher_text @ all_teacher_image.t() / self.teacher_temperature, dim=-1)
            targets_image = hard_weight * hard + (1 - hard_weight) * soft_image
            targets_text = hard_weight * hard + (1 - hard_weight) * soft_text
        return (soft_cross_entropy(logits_per_image, targets_image)
                + soft_cross_entropy(logits_per_text, targets_text)) / 2
