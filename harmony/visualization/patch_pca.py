"""The DINOv2 picture: the first three principal components of the patch features, shown as RGB."""
import torch


def pca_rgb(patch_tokens, grid):
    """patch_tokens [B, N, C], grid (h, w) with h*w = N -> [B, h, w, 3] in [0, 1].

    One basis for all images (fitted on every patch of the batch), so a colour means the same direction in
    feature space in every picture; each component is scaled to its 1st-99th percentile range.
    """
    B, N, C = patch_tokens.shape
    flat = patch_tokens.reshape(B * N, C).double()
    flat = flat - flat.mean(0)
    _, vectors = torch.linalg.eigh(flat.T @ flat)  # ascending eigenvalues
    components = flat @ vectors[:, -3:].flip(1)  # [B*N, 3], largest first
    low, high = components.quantile(0.01, dim=0), components.quantile(0.99, dim=0)
    rgb = ((components - low) / (high - low).clamp(min=1e-12)).clamp(0, 1)
    return rgb.reshape(B, *grid, 3).float()
