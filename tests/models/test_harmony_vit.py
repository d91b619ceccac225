import pytest
import torch
from mmengine.config import ConfigDict
from mmengine.registry import DefaultScope

from harmony.models import HarmonyViT

TINY = dict(embed_dims=64, num_layers=2, num_heads=2)


def _vit(**kwargs):
    model = HarmonyViT(arch=TINY, img_size=32, patch_size=8, **kwargs)
    model.init_weights()
    return model.eval()


@pytest.mark.parametrize('size', [(32, 32), (224, 320), (100, 152)])
def test_featmaps_at_any_input_size(size):
    model = _vit(out_indices=[0, 1], out_type='featmap')
    outs = model(torch.randn(2, 3, *size))
    grid = (-(-size[0] // 8), -(-size[1] // 8))  # padded up to a multiple of the patch
    assert [o.shape for o in outs] == [torch.Size([2, 64, *grid])] * 2


def test_out_types():
    x = torch.randn(2, 3, 32, 32)
    assert _vit(out_type='cls_token')(x)[0].shape == (2, 64)
    assert _vit(out_type='raw')(x)[0].shape == (2, 17, 64)
    assert _vit(out_type='cls_patch_mean')(x)[0].shape == (2, 128)
    with pytest.raises(ValueError, match='out_type'):
        HarmonyViT(arch=TINY, out_type='avg')


def test_mask_token_replaces_only_masked_patches():
    model = _vit(mask_token=True)
    x = torch.randn(1, 3, 32, 32)
    none = torch.zeros(1, 16, dtype=torch.bool)
    assert torch.equal(model.forward_tokens(x, none), model.forward_tokens(x))
    mask = none.clone()
    mask[0, 3] = True
    embedded, _ = model.embed(x, mask)
    plain, _ = model.embed(x)
    changed = (embedded != plain).any(-1)[0]
    assert changed.nonzero().flatten().tolist() == [1 + 3]
    with pytest.raises(RuntimeError, match='mask_token=False'):
        _vit().forward_tokens(x, mask)


def test_visible_tokens_path_equals_full_path_when_all_kept():
    model = _vit()
    x = torch.randn(2, 3, 32, 32)
    keep = torch.arange(16).expand(2, -1)
    torch.testing.assert_close(model.forward_visible(x, keep), model.forward_tokens(x))
    assert model.forward_visible(x, keep[:, :4]).shape == (2, 5, 64)


@pytest.mark.parametrize('with_cp', [False, True])
def test_queries_give_the_same_tokens_and_gradients_as_the_full_output(with_cp):
    """The last block computes only the tokens asked for: values and gradients as reading the full output."""
    torch.manual_seed(0)
    model = _vit(with_cp=with_cp, mask_token=True).train()
    x = torch.randn(3, 3, 32, 32)
    mask = torch.rand(3, 16) < 0.4
    queries = torch.tensor([[0, 3, 5], [0, 0, 16], [7, 1, 2]])
    weights = torch.randn(3, 3, 64)
    full = torch.gather(model.forward_tokens(x, mask), 1, queries.unsqueeze(-1).expand(-1, -1, 64))
    (full * weights).sum().backward()
    expected = {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}
    model.zero_grad()
    selected = model.forward_tokens(x, mask, queries)
    (selected * weights).sum().backward()
    torch.testing.assert_close(selected, full)
    for name, p in model.named_parameters():
        if name in expected:
            torch.testing.assert_close(p.grad, expected[name], rtol=1e-4, atol=1e-4, msg=name)


def test_gradient_checkpointing_gives_same_output_and_grads():
    x = torch.randn(2, 3, 32, 32)
    plain, checkpointed = _vit(), _vit(with_cp=True)
    checkpointed.load_state_dict(plain.state_dict())
    plain.train(), checkpointed.train()
    a, b = plain.forward_tokens(x), checkpointed.forward_tokens(x)
    torch.testing.assert_close(a, b)
    a.sum().backward(), b.sum().backward()
    torch.testing.assert_close(plain.blocks[0].attn.qkv.weight.grad, checkpointed.blocks[0].attn.qkv.weight.grad)


def test_layer_depth_and_no_weight_decay():
    model = _vit(mask_token=True)
    assert model.get_layer_depth('backbone.pos_embed', 'backbone.') == (0, 4)
    assert model.get_layer_depth('backbone.patch_embed.proj.weight', 'backbone.') == (0, 4)
    assert model.get_layer_depth('backbone.blocks.1.mlp.fc1.weight', 'backbone.') == (2, 4)
    assert model.get_layer_depth('backbone.norm.weight', 'backbone.') == (3, 4)
    assert model.get_layer_depth('decode_head.conv.weight', 'backbone.') == (3, 4)
    assert model.no_weight_decay() == {'pos_embed', 'cls_token', 'mask_token'}


def test_frozen_backbone_has_no_trainable_parameters_and_stays_in_eval():
    model = HarmonyViT(arch=TINY, img_size=32, patch_size=8, frozen_stages=2, drop_path_rate=0.5)
    model.train()
    assert not any(p.requires_grad for p in model.parameters())
    assert not any(m.training for m in model.blocks)


def test_unused_final_norm_is_not_built():
    # Dense tasks read raw block outputs: an unused final norm would break DDP without find_unused_parameters.
    assert not any(n.startswith('norm.') for n, _ in HarmonyViT(arch=TINY, final_norm=False).named_parameters())


@pytest.mark.parametrize('scope', ['mmseg', 'mmdet', 'mmpretrain'])
def test_builds_from_upstream_scopes(scope):
    import importlib
    models = importlib.import_module(f'{scope}.registry').MODELS
    with DefaultScope.overwrite_default_scope(scope):
        backbone = models.build(ConfigDict(type='harmony.HarmonyViT', arch=TINY, img_size=32, patch_size=8,
                                           out_indices=[0, 1], out_type='featmap'))
        neck = models.build(ConfigDict(type='harmony.ViTFeaturePyramid', embed_dims=64, scales=(2, 0.5),
                                       norm='LN'))
    assert type(backbone).__module__.startswith('harmony.') and type(neck).__module__.startswith('harmony.')
    outs = neck(backbone(torch.randn(1, 3, 32, 48)))
    assert [o.shape[-2:] for o in outs] == [(8, 12), (2, 3)]


def test_out_with_norm_applies_the_final_norm_to_every_output():
    torch.manual_seed(0)
    arch = dict(embed_dims=32, num_layers=4, num_heads=2)
    plain = HarmonyViT(arch=arch, img_size=32, patch_size=8, out_indices=[1, 3], out_type='raw', final_norm=False)
    normed = HarmonyViT(arch=arch, img_size=32, patch_size=8, out_indices=[1, 3], out_type='raw', final_norm=False,
                        out_with_norm=True)
    torch.nn.init.normal_(normed.norm.weight)
    normed.load_state_dict(plain.state_dict(), strict=False)
    x = torch.randn(2, 3, 32, 32)
    raw, with_norm = plain(x), normed(x)
    assert isinstance(plain.norm, torch.nn.Identity) and 'norm.weight' in normed.state_dict()
    for a, b in zip(raw, with_norm):
        assert torch.allclose(normed.norm(a), b, atol=1e-6)
