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
    positions = torch.stack([torch.randperm(16)[:12] for _ in range(2)])  # 12 of 16 patches removed per image
    mask = torch.zeros(2, 16).scatter_(1, positions, 1.0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        reference = MAEPretrainHead(loss=dict(type='PixelReconstructionLoss', criterion='L2'), norm_pix=norm_pix,
                                    patch_size=8)
    ours = MaskedPixelLoss(patch_size=8, norm_pix=norm_pix)
    torch.testing.assert_close(ours.targets(images), reference.construct_target(images))
    predicted = torch.gather(pred, 1, positions.unsqueeze(-1).expand(-1, -1, pred.shape[-1]))
    torch.testing.assert_close(ours(predicted, images, positions), reference.loss(pred, images, mask))


def test_predictions_meet_the_targets_of_their_own_patches():
    images = torch.randn(1, 3, 16, 16)
    loss = MaskedPixelLoss(patch_size=8)
    target = loss.targets(images)
    assert loss(target[:, [2, 0]], images, torch.tensor([[2, 0]])) == 0
    assert loss(target[:, [2, 0]], images, torch.tensor([[0, 2]])) > 0.5
