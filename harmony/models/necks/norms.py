"""Channel normalisation for NCHW maps, chosen by config: 'LN' (per-pixel LayerNorm over channels) or BN/SyncBN."""
import torch.nn as nn
import torch.nn.functional as F


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of a [B, C, H, W] map."""

    def forward(self, x):  # [B, C, H, W]
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias,
                            self.eps).permute(0, 3, 1, 2)


def build_norm2d(norm_type, channels):
    norms = {'LN': lambda c: LayerNorm2d(c, eps=1e-6), 'BN': nn.BatchNorm2d, 'SyncBN': nn.SyncBatchNorm}
    if norm_type not in norms:
        raise ValueError(f'norm must be one of {sorted(norms)}, got {norm_type!r}')
    return norms[norm_type](channels)
