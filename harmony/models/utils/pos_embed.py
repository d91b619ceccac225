"""Position embeddings of [1, 1+h*w, C] (CLS first): grid side, run-time resizing, fixed 2-D sine-cosine (MAE)."""
import math

import torch
import torch.nn.functional as F


def pos_embed_side(pos_embed):
    """Side of the square patch grid of a [1, 1+side*side, C] position embedding."""
    num_patches = pos_embed.shape[1] - 1
    side = math.isqrt(num_patches)
    if side * side != num_patches:
        raise ValueError(f'position embedding with {num_patches} patch positions is not a square grid')
    return side


def resize_pos_embed(pos_embed, grid_size, offset=0.0):
    """Bicubic resize of a [1, 1+h*w, C] position embedding (CLS first) to a (H, W) patch grid.

    offset 0 resizes to the grid's size; offset > 0 resizes by the scale factors ((H + offset) / h, (W + offset) / w)
    as DINO/iBOT (and so the Harmony reference) do, which samples the source at other points."""
    side = pos_embed_side(pos_embed)
    if (side, side) == tuple(grid_size):
        return pos_embed
    cls_pos, patch_pos = pos_embed[:, :1], pos_embed[:, 1:]
    patch_pos = patch_pos.reshape(1, side, side, -1).permute(0, 3, 1, 2).float()  # [1, C, side, side]
    if offset:
        scale = tuple((size + offset) / side for size in grid_size)
        patch_pos = F.interpolate(patch_pos, scale_factor=scale, mode='bicubic', align_corners=False)
        if tuple(patch_pos.shape[-2:]) != tuple(grid_size):
            raise ValueError(f'interpolate_offset {offset} resizes a {side}x{side} grid to '
                             f'{tuple(patch_pos.shape[-2:])}, not {tuple(grid_size)}; use an offset in (0, 1)')
    else:
        patch_pos = F.interpolate(patch_pos, size=tuple(grid_size), mode='bicubic', align_corners=False)
    patch_pos = patch_pos.to(pos_embed.dtype).permute(0, 2, 3, 1).flatten(1, 2)
    return torch.cat([cls_pos, patch_pos], dim=1)


def sincos_2d_pos_embed(grid_h, grid_w, dims, with_cls=True):
    """[1, (1 if with_cls) + grid_h*grid_w, dims]: half the channels encode the row, half the column, each as
    sin/cos at frequencies 1/10000^(k/(dims/4)); the CLS position is all zeros."""
    if dims % 4:
        raise ValueError(f'sin-cos position embedding needs dims divisible by 4, got {dims}')
    omega = 1.0 / 10000 ** (torch.arange(dims // 4, dtype=torch.float64) / (dims / 4))
    rows, cols = torch.meshgrid(torch.arange(grid_h, dtype=torch.float64), torch.arange(grid_w, dtype=torch.float64),
                                indexing='ij')

    def encode(positions):  # [N] -> [N, dims/2]
        angles = positions.reshape(-1, 1) * omega.reshape(1, -1)
        return torch.cat([angles.sin(), angles.cos()], dim=1)

    embed = torch.cat([encode(rows), encode(cols)], dim=1).float()
    if with_cls:
        embed = torch.cat([torch.zeros(1, dims), embed], dim=0)
    return embed.unsqueeze(0)
