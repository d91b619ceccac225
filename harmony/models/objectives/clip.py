"""CLIP: contrastive image-text alignment, with soft targets from the EMA teacher."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from .base import Objective
from .encodings import PairEncoding


@MODELS.register_module()
class CLIPObjective(Objective):
    """CLIP between each pair's first global crop and its caption (`SoftCLIPLoss`). With soft targets the one-hot
    pairing is mixed, with weight ``model.schedule.hard_weight``, with the EMA teacher towers' similarity
    distributions, so noisy captions are not taken as exact matches.

    Student modules: ``image_projection`` [C -> D], ``logit_scale`` [1] (log of the inverse temperature),
    ``clip_loss``; teacher: ``backbone``, ``image_projection``, ``text_encoder`` (soft targets only).

    Args:
        soft_targets: False gives plain CLIP (hard targets, no teacher for CLIP).
        loss: `SoftCLIPLoss` config.
        init_logit_scale, max_logit_scale: log(1/0.07) at init, clamped at log(100) (None: no clamp, as the
            reference, whose weight decay on the logit scale holds it back instead).
    """

    loss_names = ('loss_clip',)
    consumes = (PairEncoding,)
    needs_text_tower = True

    def __init__(self, soft_targets=True, loss=None, init_logit_scale=math.log(1 / 0.07),
                 max_logit_scale=math.log(100)):
        self.soft_targets = soft_targets
        self.loss_cfg = dict(dict(type='SoftCLIPLoss'), **(loss or {}))
        self.init_logit_scale, self.max_logit_scale = init_logit_scale, max_logit_scale

    def build(self, model):
        dims = model.backbone.embed_dims
        projection = nn.Linear(dims, model.text_encoder.config['embed_dim'], bias=False)
        nn.init.normal_(projection.weight, std=dims ** -0.5)
        return dict(image_projection=projection,
                    logit_scale=nn.Parameter(torch.full((1,), float(self.init_logit_scale))),  # [1]: FSDP shards no 0-d
                    clip_loss=MODELS.build(self.loss_cfg))

    def teacher_modules(self):
        return ('backbone', 'image_projection', 'text_encoder') if self.soft_targets else ()

    def targets(self, model, batch, teacher):
        """-> (image [B, D], text [B, D]) normalised teacher embeddings, or None without soft targets."""
        if not self.soft_targets:
            return None
        image = model.teacher['image_projection'](teacher.global_tokens[batch.view_rows(0), 0])
        return F.normalize(image, dim=-1), F.normalize(teacher.text_embedding, dim=-1)

    def scale(self, model):
        """The logit scale exp(min(logit_scale, max_logit_scale)), a 0-d tensor."""
        scale = model.logit_scale if self.max_logit_scale is None else model.logit_scale.clamp(max=self.max_logit_scale)
        return scale.exp().squeeze(0)

    def hard_weight(self, model):
        return model.schedule.hard_weight if self.soft_targets else 1.0

    def shares(self, model, encoding, batch, targets):
        image = F.normalize(model.image_projection(encoding.image_cls), dim=-1)  # [B, D]
        text = F.normalize(encoding.text_embedding, dim=-1)  # [B, D]
        teacher_image, teacher_text = targets if targets is not None else (None, None)
        return dict(loss_clip=model.clip_loss(image, text, self.scale(model), self.hard_weight(model), teacher_image,
                                              teacher_text))

    def log_values(self, model):
        return dict(logit_scale=self.scale(model).detach(), hard_weight=torch.tensor(self.hard_weight(model)))
