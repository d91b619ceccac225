"""Layer-wise lr decay groups for mmseg's EncoderDecoder, mmdet's MaskRCNN and mmpretrain's ImageClassifier."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

import harmony  # noqa: F401

CONFIGS = {
    'mmseg': 'configs/demo/upernet_harmony-vit-demo_demo-ade-64x64.py',
    'mmdet': 'configs/demo/mask-rcnn_harmony-vit-demo-fpn_demo-coco.py',
    'mmpretrain': 'configs/demo/vit-demo_finetune_demo-cls-64x64.py',
}


def _groups(scope, rate=0.5, custom_keys=None):
    import importlib
    cfg = Config.fromfile(CONFIGS[scope])
    cfg.model.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope(scope):
        model = importlib.import_module(f'{scope}.registry').MODELS.build(cfg.model)
        optim_cfg = dict(cfg.optim_wrapper, paramwise_cfg=dict(layer_decay_rate=rate, custom_keys=custom_keys or {}))
        wrapper = build_optim_wrapper(model, optim_cfg)
    names = {id(p): n for n, p in model.named_parameters()}
    base_lr, base_wd = optim_cfg['optimizer']['lr'], optim_cfg['optimizer']['weight_decay']
    per_name = {}
    for group in wrapper.optimizer.param_groups:
        for param in group['params']:
            per_name[names[id(param)]] = (group['lr'] / base_lr, group['weight_decay'] / base_wd)
    return model, per_name


@pytest.mark.parametrize('scope', ['mmseg', 'mmdet', 'mmpretrain'])
def test_layer_decay_groups(scope):
    model, groups = _groups(scope)
    assert set(groups) == {n for n, p in model.named_parameters() if p.requires_grad}
    num_depths = 6 + 2
    assert groups['backbone.pos_embed'] == (0.5 ** (num_depths - 1), 0.0)
    assert groups['backbone.cls_token'][1] == 0.0
    assert groups['backbone.patch_embed.proj.weight'] == (0.5 ** (num_depths - 1), 1.0)
    assert groups['backbone.blocks.0.attn.qkv.weight'] == (0.5 ** (num_depths - 2), 1.0)
    assert groups['backbone.blocks.0.attn.qkv.bias'] == (0.5 ** (num_depths - 2), 0.0)
    assert groups['backbone.blocks.5.norm1.weight'] == (0.5, 0.0)
    if scope == 'mmpretrain':  # the only config whose backbone keeps its final norm
        assert groups['backbone.norm.weight'] == (1.0, 0.0)
    heads = [n for n in groups if not n.startswith('backbone.')]
    assert heads and all(groups[n][0] == 1.0 for n in heads)
    assert all(groups[n][1] == 0.0 for n in heads if n.endswith('.bias'))


def test_custom_keys_apply_on_top():
    _, groups = _groups('mmseg', custom_keys={'decode_head': dict(lr_mult=10.0)})
    assert groups['decode_head.conv_seg.weight'] == (10.0, 1.0)


def test_models_without_layer_depth_are_refused():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match='has no get_layer_depth'):
        build_optim_wrapper(model, dict(optimizer=dict(type='AdamW', lr=1e-3),
                                        constructor='harmony.LayerDecayOptimWrapperConstructor',
                                        paramwise_cfg=dict(layer_decay_rate=0.5)))
