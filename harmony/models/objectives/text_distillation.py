"""Text self-distillation: the student text tower matches the EMA teacher's token distributions."""
import torch

from harmony.registry import MODELS
from ..losses import masked_token_weights
from .base import Objective
from .encodings import MaskedCaptionEncoding


@MODELS.register_module()
class TextDistillationObjective(Objective):
    """Text distillation (`TextDistillationLoss`): at the masked real caption tokens, the student head's
    distributions of the masked caption match the EMA teacher's of the full caption (temperature
    ``model.schedule.teacher_patch_temperature``).

    Student modules: ``text_dist_head`` (`ProjectionHead`), ``text_dist_loss`` (its centre); teacher:
    ``text_encoder``, ``text_dist_head``.

    Args:
        head: `ProjectionHead` config (``in_dims`` filled in; out_dim 2048, hidden 1024 by default).
        loss: `TextDistillationLoss` config (``out_dim`` filled in).
    """

    loss_names = ('loss_text_dist',)
    consumes = (MaskedCaptionEncoding,)
    needs_text_tower = True

    def __init__(self, head=None, loss=None):
        self.head_cfg = dict(dict(type='ProjectionHead', out_dim=2048, hidden_dims=1024), **(head or {}))
        self.loss_cfg = dict(dict(type='TextDistillationLoss', out_dim=self.head_cfg['out_dim']), **(loss or {}))

    def build(self, model):
        return dict(text_dist_head=MODELS.build(dict(self.head_cfg, in_dims=model.text_encoder.width)),
                    text_dist_loss=MODELS.build(self.loss_cfg))

    def teacher_modules(self):
        return ('text_encoder', 'text_dist_head')

    def running_statistics(self, model):
        return list(model.text_dist_loss.buffers())

    def targets(self, model, batch, teacher):
        """Teacher probabilities at the masked real caption tokens [M', K]; the centre moves with the statistic
        `TextDistillationLoss.center` names (the logits over the real tokens, or the probabilities at every
        position)."""
        head, loss, valid = model.teacher['text_dist_head'], model.text_dist_loss, batch.text != 0
        masked = batch.mlm_mask & valid
        features = head.features(teacher.text_tokens)  # [B, T, bottleneck]
        temperature = model.schedule.teacher_patch_temperature
        if loss.center_statistic == 'logits':
            return loss.targets(head.last_layer(features[masked]), temperature,
                                logit_sum=head.last_layer(features[valid].sum(dim=0)), num_tokens=valid.sum())
        context = model.text_encoder.config['context_length']
        if features.shape[1] != context:
            raise ValueError(f"text_dist_loss.center='probabilities' averages over all {context} caption positions, "
                             f'but the captions came trimmed to {features.shape[1]}: set '
                             'data_preprocessor.trim_captions=False')
        logits = head.last_layer(features)  # [B, T, K]
        return loss.targets(logits[masked], temperature, all_logits=logits)

    def shares(self, model, encoding, batch, targets):
        masked = batch.mlm_mask & (batch.text != 0)
        tokens = encoding.tokens
        return dict(loss_text_dist=model.text_dist_loss(model.text_dist_head(tokens[masked]), targets,
                                                        masked_token_weights(masked, tokens.shape[0])))

    def log_values(self, model):
        return dict(teacher_temp=torch.tensor(model.schedule.teacher_patch_temperature))
