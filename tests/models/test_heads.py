import torch

from harmony.models.backbones.vit_layers import Block
from harmony.models.heads import MAEDecoder, MLMDecoder, ProjectionHead


def test_projection_head_has_unit_norm_prototypes_with_frozen_norm():
    head = ProjectionHead(in_dims=32, out_dim=64, hidden_dims=48, bottleneck_dims=16)
    assert head(torch.randn(2, 5, 32)).shape == (2, 5, 64)
    norms = head.last_layer.weight.norm(dim=1)
    torch.testing.assert_close(norms, torch.ones_like(norms))
    assert not head.last_layer.parametrizations.weight.original0.requires_grad


def test_mae_decoder_predicts_differently_at_masked_positions_unless_reproducing_the_bug():
    torch.manual_seed(0)
    grid, keep = (4, 4), 4
    restore = torch.argsort(torch.rand(2, 16), dim=1).argsort(dim=1)
    visible = torch.randn(2, 1 + keep, 32)
    for pos_embed, distinct in (('sincos', True), ('zeros', False)):
        decoder = MAEDecoder(in_dims=32, patch_size=4, dims=32, depth=1, num_heads=2, pos_embed=pos_embed).eval()
        with torch.no_grad():
            pred = decoder(visible, restore, grid)
        assert pred.shape == (2, 16, 48)
        masked_rows = pred[0][restore[0] >= keep]  # tokens that were mask tokens
        spread = (masked_rows - masked_rows[:1]).abs().max().item()
        assert (spread > 1e-4) == distinct


def test_mlm_decoder_scores_only_masked_positions_and_ignores_padding():
    torch.manual_seed(0)
    decoder = MLMDecoder(width=16, depth=1, num_heads=2, vocab_size=50).eval()
    tokens = torch.randn(2, 5, 16)
    mask = torch.tensor([[0, 1, 0, 0, 0], [0, 0, 1, 1, 0]], dtype=torch.bool)
    valid = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    logits = decoder(tokens, mask, valid)
    assert logits.shape == (3, 50)
    changed = tokens.clone()
    changed[0, 3:] = 100.0  # padding content must not matter
    torch.testing.assert_close(decoder(changed, mask, valid)[0], logits[0])


def test_block_attention_mask_blocks_keys():
    block = Block(16, 2).eval()
    x = torch.randn(1, 4, 16)
    keep = torch.tensor([True, True, False, False])[None, None, None]
    y = block(x, keep)
    x2 = x.clone()
    x2[0, 2:] = 5.0
    torch.testing.assert_close(block(x2, keep)[0, :2], y[0, :2])
