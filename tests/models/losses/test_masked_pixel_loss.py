import pytest
import torch
from mmengine.registry import DefaultScope

from harmony.models.losses import MaskedPixelLoss


@pytest.mark.parametrize('norm_pix', [True, False])
def test_targets_and_loss_equal_mmpretrain_mae_head(norm_pix):
    from mmpretrain.models.heads import MAEPretrainHead
    torch.manual_seed(0)
    images = torch.randn(2, 3, 32, 32)
    pred = torch.randn(2, 16, 8 * 8 * 3)
    mask = (torch.rand(2, 16) < 0.75).float()
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        reference = MAEPretrainHead(loss=dict(type='PixelReconstructionLoss', criterion='L2'), norm_pix=norm_pix,
                                    patch_size=8)
    ours = MaskedPixelLoss(patch_size=8, norm_pix=norm_pix)
    torch.testing.assert_close(ours.targets(images), reference.construct_target(images))
    torch.testing.assert_close(ours(pred, images, mask), reference.loss(pred, images, mask))


def test_only_masked_patches_count():
    images = torch.randn(1, 3, 16, 16)
    loss = MaskedPixelLoss(patch_size=8)
    target = loss.targets(images)
    pred = target.clone()
    pred[0, 1] += 1.0  # wrong on patch 1 only
    assert loss(pred, images, torch.tensor([[1, 0, 0, 0]])) == 0
    assert loss(pred, images, torch.tensor([[0, 1, 0, 0]])) == pytest.approx(1.0)
