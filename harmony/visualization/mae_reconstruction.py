"""MAE reconstructions of a Harmony student: original, masked input and reconstruction of each image."""
import torch

from harmony.models.losses.masked_pixel_loss import patchify, unpatchify


@torch.no_grad()
def mae_reconstruction(model, images, mask_ratio=None, seed=0):
    """images [B, 3, H, W] (normalised) -> (masked [B, 3, H, W], reconstruction [B, 3, H, W]), normalised.

    A random `mask_ratio` (the model's by default) of the patches is dropped, as in training; the visible
    patches are pasted into the reconstruction. With `norm_pix` targets the decoder predicts each patch up to
    its mean and variance: they are taken from the original patch (as in MAE's own visualisation).
    """
    backbone, patch = model.backbone, model.backbone.patch_size
    B, _, H, W = images.shape
    grid = (H // patch, W // patch)
    N = grid[0] * grid[1]
    generator = torch.Generator().manual_seed(seed)
    shuffle = torch.rand(B, N, generator=generator).argsort(dim=1)
    restore = shuffle.argsort(dim=1)
    num_keep = int(round(N * (1 - (model.mae_ratio if mask_ratio is None else mask_ratio))))
    pred = model.mae_decoder(backbone.forward_visible(images, shuffle[:, :num_keep]), restore, grid)  # [B, N, p*p*3]
    target = patchify(images, patch)
    if model.mae_loss.norm_pix:
        mean, var = target.mean(-1, keepdim=True), target.var(-1, keepdim=True)
        pred = pred * (var + model.mae_loss.eps) ** 0.5 + mean
    dropped = (restore >= num_keep).unsqueeze(-1)  # [B, N, 1]
    masked = torch.where(dropped, torch.zeros_like(target), target)
    reconstruction = torch.where(dropped, pred, target)
    return unpatchify(masked, patch, grid), unpatchify(reconstruction, patch, grid)
