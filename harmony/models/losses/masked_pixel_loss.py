"""MAE's objective: mean squared error on the pixels of the masked patches, each patch normalised (He et al., 2022)."""
import torch.nn as nn

from harmony.registry import MODELS
from harmony.utils.tokens import gather_tokens


def patchify(images, patch_size):
    """[B, C, H, W] -> [B, (H/p)*(W/p), p*p*C], patches row-major, pixels ordered (row, column, channel)."""
    B, C, H, W = images.shape
    p = patch_size
    if H % p or W % p:
        raise ValueError(f'image size {H}x{W} is not a multiple of the patch size {p}')
    x = images.reshape(B, C, H // p, p, W // p, p).permute(0, 2, 4, 3, 5, 1)
    return x.reshape(B, (H // p) * (W // p), p * p * C)


def unpatchify(patches, patch_size, grid, channels=3):
    """Inverse of `patchify`: [B, h*w, p*p*C] with grid (h, w) -> [B, C, h*p, w*p]."""
    B, p, (h, w) = patches.shape[0], patch_size, grid
    x = patches.reshape(B, h, w, p, p, channels).permute(0, 5, 1, 3, 2, 4)
    return x.reshape(B, channels, h * p, w * p)


@MODELS.register_module()
class MaskedPixelLoss(nn.Module):
    """L2 between predicted and target patches, averaged over the patches predicted (MAE: the masked ones).

    Args:
        patch_size: side of a patch in pixels (the encoder's).
        norm_pix: normalise each target patch by its own mean and variance (MAE's better-features choice).
        loss_weight: multiplier of the loss (Harmony averages it over the global crops; the reference sums the
            two crops' losses, i.e. 2 x their mean).
    """

    def __init__(self, patch_size=16, norm_pix=True, eps=1e-6, loss_weight=1.0):
        super().__init__()
        self.patch_size, self.norm_pix, self.eps, self.loss_weight = patch_size, norm_pix, eps, loss_weight

    def targets(self, images):
        """Per-patch targets [B, N, p*p*C] of images [B, C, H, W]."""
        target = patchify(images, self.patch_size)
        if self.norm_pix:
            mean, var = target.mean(dim=-1, keepdim=True), target.var(dim=-1, keepdim=True)
            target = (target - mean) / (var + self.eps) ** 0.5
        return target

    def forward(self, pred, images, positions):
        """pred [B, Q, p*p*C]: predictions of the patches at `positions` [B, Q] (indices into the image's
        patches, e.g. the ones removed from the encoder); images [B, C, H, W] -> mean squared error (scalar)."""
        return self.loss_weight * ((pred - gather_tokens(self.targets(images), positions)) ** 2).mean()
