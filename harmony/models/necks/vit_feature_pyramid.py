"""Multi-level pyramid from several ViT blocks (BEiT / iBOT protocol for UperNet and FPN)."""
import torch.nn as nn

from harmony.registry import MODELS
from .norms import build_norm2d


@MODELS.register_module()
class ViTFeaturePyramid(nn.Module):
    """Turn four stride-16 ViT maps into strides 4, 8, 16, 32: 2x deconv+norm+GELU+2x deconv, 2x deconv,
    identity, 2x max-pool (for patch 16; `scales` says which level gets which).

    Input: tuple of 4 maps [B, C, h, w] (e.g. blocks 3, 5, 7, 11 of HarmonyViT with out_type='featmap').
    Output: tuple of 4 maps [B, C, h*s, w*s] for s in `scales`.
    """

    def __init__(self, embed_dims, scales=(4, 2, 1, 0.5), norm='SyncBN'):
        super().__init__()
        self.levels = nn.ModuleList(self._level(embed_dims, scale, norm) for scale in scales)

    @staticmethod
    def _level(dims, scale, norm):
        if scale == 4:
            return nn.Sequential(nn.ConvTranspose2d(dims, dims, 2, stride=2), build_norm2d(norm, dims), nn.GELU(),
                                 nn.ConvTranspose2d(dims, dims, 2, stride=2))
        if scale == 2:
            return nn.ConvTranspose2d(dims, dims, 2, stride=2)
        if scale == 1:
            return nn.Identity()
        if scale == 0.5:
            return nn.MaxPool2d(2, stride=2)
        raise ValueError(f'scales must be among 4, 2, 1, 0.5; got {scale}')

    def forward(self, features):
        if len(features) != len(self.levels):
            raise ValueError(f'ViTFeaturePyramid expects {len(self.levels)} maps (one per scale), got {len(features)}')
        return tuple(level(x) for level, x in zip(self.levels, features))
