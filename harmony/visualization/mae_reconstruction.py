"""MAE reconstructions of a Harmony student: original, masked input and reconstruction of each image."""
import torch

from harmony.models.losses.masked_pixel_loss import patchify, unpatchify


@torch.no_grad()
def mae_reconstruction(model, images, mask_ratio=None, seed=0):
    """images [B, 3, H, W] (normalised) -> (masked [B, 3, H, W], reconstruction [B, 3, H, W]), normalised.

    A random `mask_ratio` (the model's by default) of the patches is dropped and the rest encoded and decoded as in
    training (`MAEObjective.encode`, `MAEObjective.decode`); the visible patches are pasted into the
    reconstruction. With `norm_pix` targets the decoder predicts each patch up to its mean and variance: they are
    taken from the original patch (as in MAE's own visualisation).
    """
    if 'mae' not in model.objectives:
        raise ValueError(f'MAE reconstructions need the MAE objective; this model trains {sorted(model.objectives)}')
    mae, patch = model.objectives['mae'], model.backbone.patch_size
    B, _, H, W = images.shape
    grid = (H // patch, W // patch)
    generator = torch.Generator().manual_seed(seed)
    shuffle = torch.rand(B, grid[0] * grid[1], generator=generator).argsort(dim=1)
    restore = shuffle.argsort(dim=1)
    num_keep = mae.num_kept(shuffle.shape[1], mask_ratio)
    pred = mae.decode(model, mae.encode(model, images, shuffle, mask_ratio), restore, grid)  # [B, N, p*p*3]
    target = patchify(images, patch)
    if model.mae_loss.norm_pix:
        mean, var = target.mean(-1, keepdim=True), target.var(-1, keepdim=True)
        pred = pred * (var + model.mae_loss.eps) ** 0.5 + mean
    dropped = (restore >= num_keep).unsqueeze(-1)  # [B, N, 1]
    masked = torch.where(dropped, torch.zeros_like(target), target)
    reconstruction = torch.where(dropped, pred, target)
    return unpatchify(masked, patch, grid), unpatchify(reconstruction, patch, grid)
