"""Masked language modelling on the captions."""
from harmony.registry import MODELS
from .base import Objective
from .encodings import MaskedCaptionEncoding


@MODELS.register_module()
class MLMObjective(Objective):
    """MLM (`MaskedLanguageModelingLoss`): the decoder predicts the masked caption tokens (the pipeline's
    `TokenizeCaption` masks them) from the student text tower's tokens of the masked caption.

    Student modules: ``mlm_decoder`` (`MLMDecoder`), ``mlm_loss``; no teacher.

    Args:
        decoder: `MLMDecoder` config (``width``, ``vocab_size`` filled in from the text tower).
        loss: `MaskedLanguageModelingLoss` config.
    """

    loss_names = ('loss_mlm',)
    consumes = (MaskedCaptionEncoding,)
    needs_text_tower = True

    def __init__(self, decoder=None, loss=None):
        self.decoder_cfg = dict(dict(type='MLMDecoder'), **(decoder or {}))
        self.loss_cfg = dict(dict(type='MaskedLanguageModelingLoss'), **(loss or {}))

    def build(self, model):
        text = model.text_encoder
        return dict(mlm_decoder=MODELS.build(dict(self.decoder_cfg, width=text.width, vocab_size=text.vocab_size)),
                    mlm_loss=MODELS.build(self.loss_cfg))

    def shares(self, model, encoding, batch, targets):
        logits = model.mlm_decoder(encoding.tokens, batch.mlm_mask, batch.text != 0)
        return dict(loss_mlm=model.mlm_loss(logits, batch.text, batch.mlm_mask))
