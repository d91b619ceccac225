"""iBOT: masked self-distillation of class tokens (every crop) and masked patch tokens (global crops)."""
import torch

from harmony.registry import MODELS
from ..losses import masked_token_weights
from .base import Objective
from .encodings import GlobalCropEncoding, LocalCropEncoding


@MODELS.register_module()
class IBOTObjective(Objective):
    """iBOT (`IBOTLoss`): the student's projection-head distributions of every crop's class token and of the masked
    patch tokens of the global crops match the EMA teacher's of the unmasked global crops.

    Student modules: ``ibot_head`` (`ProjectionHead`), ``ibot_loss`` (its centres); teacher: ``backbone``,
    ``ibot_head``. Temperatures come from ``model.schedule``; the head's last layer stays frozen while
    ``schedule.freeze_last_layer`` holds (DINO/iBOT).

    Args:
        head: `ProjectionHead` config (``in_dims`` filled in; out_dim 8192 by default).
        loss: `IBOTLoss` config (``out_dim`` filled in).
    """

    loss_names = ('loss_ibot_cls', 'loss_ibot_patch')
    consumes = (GlobalCropEncoding, LocalCropEncoding)
    needs_mask_token = True

    def __init__(self, head=None, loss=None):
        self.head_cfg = dict(dict(type='ProjectionHead', out_dim=8192), **(head or {}))
        self.loss_cfg = dict(dict(type='IBOTLoss', out_dim=self.head_cfg['out_dim']), **(loss or {}))

    def build(self, model):
        return dict(ibot_head=MODELS.build(dict(self.head_cfg, in_dims=model.backbone.embed_dims)),
                    ibot_loss=MODELS.build(self.loss_cfg))

    def teacher_modules(self):
        return ('backbone', 'ibot_head')

    def running_statistics(self, model):
        return list(model.ibot_loss.buffers())

    def frozen_parameters(self, model):
        return list(model.ibot_head.last_layer.parameters()) if model.schedule.freeze_last_layer else []

    def targets(self, model, batch, teacher):
        """`IBOTLoss.targets`: probabilities ``cls`` [G*B, K] and ``patch`` [M, K] at the M masked patches. The
        prototypes layer is linear, so it runs only where a target is needed; the centre's token mean comes from
        the mean feature."""
        head = model.teacher['ibot_head']
        features = head.features(teacher.global_tokens)  # [G*B, 1+N, bottleneck]
        patches = features[:, 1:]
        return model.ibot_loss.targets(
            head.last_layer(features[:, 0]), head.last_layer(patches[batch.ibot_masks]),
            head.last_layer(patches.mean(dim=1)), model.schedule.teacher_temperature,
            model.schedule.teacher_patch_temperature)

    def shares(self, model, encoding, batch, targets):
        """The head runs once on the encoding's class tokens and masked patch tokens."""
        if isinstance(encoding, LocalCropEncoding):
            samples = torch.arange(batch.batch_size, device=encoding.cls.device).repeat(len(encoding.views))
            views = (batch.num_global + torch.tensor(encoding.views, device=encoding.cls.device))
            views = views.repeat_interleave(batch.batch_size)
            masked_tokens = None
        else:
            samples, masked_tokens = encoding.samples, encoding.masked_tokens
            views = torch.full_like(samples, encoding.view)
        tokens = encoding.cls if masked_tokens is None else torch.cat([encoding.cls, masked_tokens])
        logits = model.ibot_head(tokens)  # [R (+ M'), K]
        num_rows = len(samples)
        shares = dict(loss_ibot_cls=model.ibot_loss.cls_loss(logits[:num_rows], targets['cls'], views, samples,
                                                              batch.num_global + batch.num_local))
        if masked_tokens is not None:
            rows = encoding.view * batch.batch_size + samples
            token_rows = batch.ibot_masks.nonzero()[:, 0]  # row of each teacher patch target [M]
            teacher_patch = targets['patch'][torch.isin(token_rows, rows)]  # [M', K]
            weights = masked_token_weights(encoding.masks, batch.num_global * batch.batch_size)
            shares['loss_ibot_patch'] = model.ibot_loss.patch_loss(logits[num_rows:], teacher_patch, weights)
        return shares

    def log_values(self, model):
        return dict(teacher_temp=torch.tensor(model.schedule.teacher_patch_temperature))
