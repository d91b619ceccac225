from .simple_feature_pyramid import SimpleFeaturePyramid
from .vit_feature_pyramid import ViTFeaturePyramid

__all__ = ['SimpleFeaturePyramid', 'ViTFeaturePyramid']
