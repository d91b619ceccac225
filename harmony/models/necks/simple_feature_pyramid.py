"""ViTDet's simple feature pyramid: every level from the last ViT map alone (Li et al., 2022)."""
import torch.nn as nn
import torch.nn.functional as F

from harmony.registry import MODELS
from .norms import build_norm2d


@MODELS.register_module()
class SimpleFeaturePyramid(nn.Module):
    """Last ViT map [B, C, h, w] -> maps at scales 4, 2, 1, 0.5 (strides 4-32 for patch 16), each projected to
    `out_channels` by 1x1 conv+norm and 3x3 conv+norm, plus `num_extra` max-pooled levels (P6 for RPN).

    Input: tuple of maps, the last is used. Output: tuple of len(scales) + num_extra maps [B, out_channels, ., .].
    """

    def __init__(self, embed_dims, out_channels=256, scales=(4, 2, 1, 0.5), norm='LN', num_extra=1):
        super().__init__()
        self.stages = nn.ModuleList()
        for scale in scales:
            layers, dims = self._resample(embed_dims, scale, norm)
            self.stages.append(nn.Sequential(
                *layers,
                nn.Conv2d(dims, out_channels, 1, bias=False), build_norm2d(norm, out_channels),
                nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False), build_norm2d(norm, out_channels)))
        self.num_extra = num_extra

    @staticmethod
    def _resample(dims, scale, norm):
        """Layers that bring the map to `scale`, and their output channels."""
        if scale == 4:
            return [nn.ConvTranspose2d(dims, dims // 2, 2, stride=2), build_norm2d(norm, dims // 2), nn.GELU(),
                    nn.ConvTranspose2d(dims // 2, dims // 4, 2, stride=2)], dims // 4
        if scale == 2:
            return [nn.ConvTranspose2d(dims, dims // 2, 2, stride=2)], dims // 2
        if scale == 1:
            return [], dims
        if scale == 0.5:
            return [nn.MaxPool2d(2, stride=2)], dims
        raise ValueError(f'scales must be among 4, 2, 1, 0.5; got {scale}')

    def forward(self, features):
        x = features[-1]
        outs = [stage(x) for stage in self.stages]
        for _ in range(self.num_extra):
            outs.append(F.max_pool2d(outs[-1], 1, stride=2))
        return tuple(outs)
