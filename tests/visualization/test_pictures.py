"""The computations behind the pictures: patch PCA, CLS attention, MAE reconstructions, run curves."""
import json

import torch
import torch.nn.functional as F

from harmony.models import Harmony, HarmonyViT
from harmony.models.losses.masked_pixel_loss import patchify, unpatchify
from harmony.visualization import cls_attention, mae_reconstruction, pca_rgb, plot_training_curves
from tests.models.algorithms.test_harmony import TINY


def test_patch_pca_gives_one_colour_per_feature_cluster():
    torch.manual_seed(0)
    centres = torch.randn(2, 16) * 5
    labels = torch.zeros(2, 4, 4, dtype=torch.long)
    labels[:, :, 2:] = 1  # right half of every image is the second cluster
    tokens = centres[labels.flatten(1)] + 0.01 * torch.randn(2, 16, 16)  # [B, N, C]
    rgb = pca_rgb(tokens, (4, 4))
    assert rgb.shape == (2, 4, 4, 3) and rgb.min() >= 0 and rgb.max() <= 1
    left, right = rgb[:, :, :2].reshape(-1, 3), rgb[:, :, 2:].reshape(-1, 3)
    # PC 1 (red) separates the clusters, each uniform in it; PCs 2-3 are the noise, stretched to the full range.
    assert abs(left[:, 0].mean() - right[:, 0].mean()) > 0.9
    assert left[:, 0].std() < 0.05 and right[:, 0].std() < 0.05


def test_cls_attention_is_the_last_blocks_softmax_of_the_cls_query():
    torch.manual_seed(0)
    vit = HarmonyViT(arch=dict(embed_dims=32, num_layers=2, num_heads=4), img_size=32, patch_size=8,
                     out_type='raw').eval()
    images = torch.randn(2, 3, 32, 32)
    maps = cls_attention(vit, images)  # [B, heads, h, w]
    assert maps.shape == (2, 4, 4, 4)
    # Reference: the attention weights that reproduce the block's own (fused) attention output of the CLS token.
    tokens, _ = vit.embed(images)
    tokens = vit.blocks[0](tokens)
    block = vit.blocks[1]
    x = block.norm1(tokens)
    q, k, v = block.attn.qkv(x).reshape(2, 17, 3, 4, 8).permute(2, 0, 3, 1, 4)
    fused = F.scaled_dot_product_attention(q, k, v)[:, :, 0]  # [B, heads, d]
    cls_weight = 1 - maps.flatten(2).sum(-1, keepdim=True)  # the CLS key's share
    explicit = cls_weight * v[:, :, 0] + (maps.flatten(2).unsqueeze(-1) * v[:, :, 1:]).sum(2)
    torch.testing.assert_close(explicit, fused, rtol=1e-4, atol=1e-5)


def test_mae_reconstruction_keeps_visible_patches_and_blanks_dropped_ones():
    torch.manual_seed(0)
    model = Harmony(**TINY).eval()
    images = torch.randn(2, 3, 32, 32)
    masked, reconstruction = mae_reconstruction(model, images, mask_ratio=0.75, seed=1)
    patch = model.backbone.patch_size
    original, masked, reconstruction = (patchify(x, patch) for x in (images, masked, reconstruction))
    dropped = (masked == 0).all(-1)  # [B, N]
    assert dropped.float().mean(1).tolist() == [0.75, 0.75]
    torch.testing.assert_close(reconstruction[~dropped], original[~dropped])
    assert not torch.allclose(reconstruction[dropped], original[dropped])


def test_unpatchify_inverts_patchify():
    images = torch.randn(2, 3, 24, 16)
    assert torch.equal(unpatchify(patchify(images, 8), 8, (3, 2)), images)


def test_training_curves_draw_every_logged_loss_and_schedule(tmp_path):
    logs = tmp_path / '20261129_000000' / 'vis_data'
    logs.mkdir(parents=True)
    records = [dict(iter=i, step=i, loss=3.0 / i, loss_clip=2.0 / i, loss_mae=1.0 / i, logit_scale=14.0,
                    hard_weight=1 - i / 10, teacher_temp=0.04, momentum=0.996, lr=1e-3, weight_decay=0.04)
               for i in range(1, 5)] + [{'accuracy/top1': 10.0, 'step': 1}]
    (logs / 'scalars.json').write_text('\n'.join(json.dumps(r) for r in records))
    drawn = plot_training_curves(tmp_path, tmp_path / 'curves.png')
    assert set(drawn) == {'loss', 'loss_clip', 'loss_mae', 'logit_scale', 'hard_weight', 'teacher_temp',
                          'momentum', 'lr', 'weight_decay', 'accuracy/top1'}
    assert (tmp_path / 'curves.png').stat().st_size > 10_000
