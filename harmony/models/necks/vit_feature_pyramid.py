"""Multi-level pyramid from several ViT blocks (BEiT / iBOT protocol for UperNet and FPN)."""
import torch.nn as nn

from harmony.registry import MODELS
from .norms import build_norm2d


@MODELS.register_module()
class ViTFeaturePyramid(nn.Module):
    """Turn four ViT maps into a pyramid: for patch 16 (stride 16), scales (4, 2, 1, 0.5) give strides 4, 8, 16,
    32 through 2x deconv+norm+GELU+2x deconv, 2x deconv, identity and 2x max-pool; for patch 8 use
    (2, 1, 0.5, 0.25). Detectors need the strides their anchors and RoI extractors assume (4, 8, 16, 32).

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
        if scale in (0.5, 0.25):
            return nn.MaxPool2d(int(1 / scale), stride=int(1 / scale))
        raise ValueError(f'scales must be among 4, 2, 1, 0.5, 0.25; got {scale}')

    def forward(self, features):
        if len(features) != len(self.levels):
            raise ValueError(f'ViTFeaturePyramid expects {len(self.levels)} maps (one per scale), got {len(features)}')
        return tuple(level(x) for level, x in zip(self.levels, features))
