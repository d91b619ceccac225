"""MAE: pixel reconstruction of the patches the student's encoder did not see."""
from dataclasses import dataclass, field

from torch import Tensor

from harmony.registry import MODELS
from .base import Objective, StudentPass


@dataclass
class VisiblePatchEncoding:
    """The student ViT's tokens [B, 1+K, C] of the K kept patches of global view `view`."""

    view: int
    tokens: Tensor


@dataclass(frozen=True)
class VisiblePatchPass(StudentPass):
    """Global view `view` through the student ViT with only the first K patches of its MAE order kept."""

    view: int
    objective: 'MAEObjective' = field(repr=False)

    def encode(self, model, batch):
        rows = batch.view_rows(self.view)
        return [VisiblePatchEncoding(self.view, self.objective.encode(model, batch.global_crops[rows],
                                                                      batch.mae_shuffle[rows]))]


@MODELS.register_module()
class MAEObjective(Objective):
    """MAE (`MaskedPixelLoss`): a `mask_ratio` share of each global crop's patches (the pipeline's `PatchShuffle`
    gives the random order) is dropped; the decoder predicts their pixels from the visible patches' tokens.

    Student modules: ``mae_decoder`` (`MAEDecoder`), ``mae_loss``; no teacher.

    Args:
        decoder: `MAEDecoder` config (``in_dims``, ``patch_size`` filled in).
        loss: `MaskedPixelLoss` config (``patch_size`` filled in).
        mask_ratio: share of patches dropped.
    """

    loss_names = ('loss_mae',)
    consumes = (VisiblePatchEncoding,)

    def __init__(self, decoder=None, loss=None, mask_ratio=0.75):
        self.decoder_cfg = dict(dict(type='MAEDecoder'), **(decoder or {}))
        self.loss_cfg = dict(dict(type='MaskedPixelLoss'), **(loss or {}))
        self.mask_ratio = mask_ratio

    def build(self, model):
        patch_size = model.backbone.patch_size
        return dict(mae_decoder=MODELS.build(dict(self.decoder_cfg, in_dims=model.backbone.embed_dims,
                                                  patch_size=patch_size)),
                    mae_loss=MODELS.build(dict(self.loss_cfg, patch_size=patch_size)))

    def num_kept(self, num_patches, mask_ratio=None):
        """K, the patches kept of `num_patches` at `mask_ratio` (the objective's by default)."""
        return int(round(num_patches * (1 - (self.mask_ratio if mask_ratio is None else mask_ratio))))

    def encode(self, model, crops, shuffle, mask_ratio=None):
        """crops [B, 3, H, W], shuffle [B, N] (a patch order) -> tokens [B, 1+K, C] of its first K patches."""
        return model.backbone.forward_visible(crops, shuffle[:, :self.num_kept(shuffle.shape[1], mask_ratio)])

    def decode(self, model, tokens, restore, grid, predict=None):
        """tokens [B, 1+K, C] of the kept patches, restore [B, N] (the inverse order) -> predicted pixels
        [B, N', p*p*3] of the patches `predict` [B, N'] (every patch when None), normalised per patch with
        ``norm_pix``."""
        return model.mae_decoder(tokens, restore, grid, predict=predict)

    def student_passes(self, model, batch):
        return [VisiblePatchPass(view, self) for view in range(batch.num_global)]

    def shares(self, model, encoding, batch, targets):
        rows = batch.view_rows(encoding.view)
        crops, shuffle = batch.global_crops[rows], batch.mae_shuffle[rows]
        patch_size = model.backbone.patch_size
        removed = shuffle[:, self.num_kept(shuffle.shape[1]):]  # [B, N - K]: the patches to reconstruct
        pred = self.decode(model, encoding.tokens, batch.mae_restore[rows],
                           (crops.shape[-2] // patch_size, crops.shape[-1] // patch_size), predict=removed)
        # every image has the same number of removed patches: the mean over views is the mean over all patches
        return dict(loss_mae=model.mae_loss(pred, crops, removed) / batch.num_global)
