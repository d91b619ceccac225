import pytest
import torch

from harmony.models import SimpleFeaturePyramid, ViTFeaturePyramid


@pytest.mark.parametrize('norm', ['LN', 'BN', 'SyncBN'])
def test_vit_feature_pyramid_strides(norm):
    neck = ViTFeaturePyramid(embed_dims=32, norm=norm).eval()
    outs = neck(tuple(torch.randn(2, 32, 8, 12) for _ in range(4)))
    assert [tuple(o.shape) for o in outs] == [(2, 32, 32, 48), (2, 32, 16, 24), (2, 32, 8, 12), (2, 32, 4, 6)]


def test_vit_feature_pyramid_checks_its_input():
    with pytest.raises(ValueError, match='expects 4 maps'):
        ViTFeaturePyramid(embed_dims=32, norm='LN')((torch.randn(1, 32, 4, 4), ))
    with pytest.raises(ValueError, match='norm must be one of'):
        ViTFeaturePyramid(embed_dims=32, norm='GN')


def test_simple_feature_pyramid_uses_the_last_map_and_adds_p6():
    neck = SimpleFeaturePyramid(embed_dims=32, out_channels=16, norm='LN')
    outs = neck((torch.randn(2, 32, 4, 4), torch.randn(2, 32, 8, 8)))
    assert [tuple(o.shape) for o in outs] == [(2, 16, 32, 32), (2, 16, 16, 16), (2, 16, 8, 8), (2, 16, 4, 4),
                                              (2, 16, 2, 2)]
