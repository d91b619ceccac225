"""harmony/models/utils/pos_embed.py: the position-embedding helpers of the backbone, the loader and the MAE decoder."""
import pytest
import torch

from harmony.models.utils import pos_embed_side, resize_pos_embed, sincos_2d_pos_embed


def test_sincos_positions_are_distinct_and_cls_is_zero():
    embed = sincos_2d_pos_embed(4, 6, 32)
    assert embed.shape == (1, 25, 32) and embed[0, 0].abs().sum() == 0
    patches = embed[0, 1:]
    assert torch.cdist(patches, patches).add(torch.eye(24) * 1e3).min() > 1e-3


def test_resize_keeps_cls_and_refuses_a_grid_that_is_not_square():
    embed = sincos_2d_pos_embed(4, 4, 32)
    assert pos_embed_side(embed) == 4 and resize_pos_embed(embed, (4, 4)) is embed
    resized = resize_pos_embed(embed, (6, 5))
    assert resized.shape == (1, 31, 32) and torch.equal(resized[:, 0], embed[:, 0])
    with pytest.raises(ValueError, match='not a square grid'):
        pos_embed_side(embed[:, :-1])
