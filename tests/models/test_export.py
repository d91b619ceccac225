"""tools/export_backbone.py: every format round-trips with numerically equal features, at any size."""
import json

import pytest
import timm
import torch
from mmengine.config import Config
from safetensors import safe_open
from safetensors.torch import load_file

from harmony.models import Harmony, HarmonyTextEncoder, HarmonyViT
from harmony.models.backbones.harmony_vit import ARCHS
from harmony.models.utils.export import describe_backbone, timm_model_spec, to_timm
from harmony.utils.tokenizer import CaptionTokenizer
from tests.conftest import run_tool
from tests.models.algorithms.test_harmony import TINY

TEXT = dict(width=128, heads=2, layers=2, embed_dim=96)
# the demo's ViT: 4 heads of 32 dims, where 64-d heads would make 2
DEMO_BACKBONE = dict(arch=dict(embed_dims=128, num_layers=6, num_heads=4), img_size=64, patch_size=8)


@pytest.fixture(scope='module')
def harmony_checkpoint(tmp_path_factory):
    """A Harmony-style training checkpoint: ViT-Ti/16, projection and small text tower, student and teacher."""
    path = tmp_path_factory.mktemp('ckpt') / 'harmony.pth'
    towers = {}
    state = {'logit_scale': torch.tensor(2.5)}
    for source, prefix in (('student', ''), ('teacher', 'teacher.')):
        backbone = HarmonyViT('tiny', mask_token=True)
        backbone.init_weights()
        projection = torch.nn.Linear(192, TEXT['embed_dim'], bias=False)
        text = HarmonyTextEncoder(**TEXT)
        for name, module in (('backbone', backbone), ('image_projection', projection), ('text_encoder', text)):
            state.update({f'{prefix}{name}.{k}': v for k, v in module.state_dict().items()})
        towers[source] = (backbone.eval(), projection, text.eval())
    torch.save({'meta': {}, 'state_dict': state}, path)
    return path, towers['student'][0], towers['teacher'][0], towers


def test_harmony_format_round_trip(harmony_checkpoint, tmp_path):
    path, _, teacher, _ = harmony_checkpoint
    run_tool('tools/export_backbone.py', path, tmp_path / 'vit.safetensors')
    state = load_file(str(tmp_path / 'vit.safetensors'))
    model = HarmonyViT('tiny', mask_token=True).eval()
    model.load_state_dict(state, strict=True)
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        torch.testing.assert_close(model.forward_tokens(x), teacher.forward_tokens(x), rtol=0, atol=0)
    meta = json.loads((tmp_path / 'vit.json').read_text())
    assert meta['format'] == 'harmony' and meta['arch']['embed_dims'] == 192 and 'teacher' in meta['source']


def test_timm_format_loads_strictly_into_timm(harmony_checkpoint, tmp_path):
    path, student, _, _ = harmony_checkpoint
    result = run_tool('tools/export_backbone.py', path, tmp_path / 'timm.safetensors', '--format', 'timm',
                      '--source', 'student', '--num-heads', '3')
    assert "vit_tiny_patch16_224" in result.stdout
    model = timm.create_model('vit_tiny_patch16_224', num_classes=0, pretrained=False).eval()
    model.load_state_dict(load_file(str(tmp_path / 'timm.safetensors')), strict=True)
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        torch.testing.assert_close(model.forward_features(x), student.forward_tokens(x), rtol=0, atol=0)
        torch.testing.assert_close(model(x), student.eval()(x)[0], rtol=0, atol=0)


@pytest.mark.parametrize('arch', ['small', 'base', 'large'])
def test_timm_names_and_shapes_for_larger_archs(arch):
    with torch.device('meta'):
        state = HarmonyViT(arch, mask_token=True).state_dict()
        name, kwargs = timm_model_spec(describe_backbone(state, ARCHS[arch]['num_heads']))
        reference = timm.create_model(name, num_classes=0, pretrained=False).state_dict()
    assert (name, kwargs) == (f'vit_{arch}_patch16_224', {})
    exported = to_timm(state)
    assert {k: tuple(v.shape) for k, v in exported.items()} == {k: tuple(v.shape) for k, v in reference.items()}


def test_export_refuses_a_checkpoint_without_a_backbone(tmp_path):
    torch.save({'state_dict': {'conv1.weight': torch.zeros(1)}}, tmp_path / 'resnet.pth')
    result = run_tool('tools/export_backbone.py', tmp_path / 'resnet.pth', tmp_path / 'x.safetensors', check=False)
    assert result.returncode != 0 and 'holds no HarmonyViT backbone' in result.stdout


def test_open_clip_format_loads_strictly_into_open_clip(harmony_checkpoint, tmp_path):
    import open_clip
    path, _, _, towers = harmony_checkpoint
    unknown = run_tool('tools/export_backbone.py', path, tmp_path / 'clip', '--format', 'open_clip', check=False)
    assert unknown.returncode != 0 and "(the run's text_encoder.act; tools/export_backbone.py --text-act), got None" \
        in unknown.stdout  # its meta has no config
    run_tool('tools/export_backbone.py', path, tmp_path / 'clip', '--format', 'open_clip', '--text-act', 'quick_gelu',
             '--num-heads', '3', '--text-heads', '2')
    config = json.loads((tmp_path / 'clip' / 'open_clip_config.json').read_text())
    assert config['model_cfg']['vision_cfg']['timm_model_name'] == 'vit_tiny_patch16_224'
    model = open_clip.create_model(f'local-dir:{tmp_path / "clip"}').eval()  # loads with strict=True
    backbone, projection, text = towers['teacher']
    x = torch.randn(2, 3, 224, 224)
    tokens = CaptionTokenizer()(['a red circle above a blue square', 'two green stars'])
    with torch.no_grad():
        torch.testing.assert_close(model.encode_image(x), projection(backbone.forward_tokens(x)[:, 0]))
        torch.testing.assert_close(model.encode_text(tokens), text(tokens)[0])
    assert model.logit_scale.item() == 2.5


def test_open_clip_format_needs_the_text_tower(harmony_checkpoint, tmp_path):
    path = harmony_checkpoint[0]
    run_tool('tools/export_backbone.py', path, tmp_path / 'vit.safetensors')
    result = run_tool('tools/export_backbone.py', tmp_path / 'vit.safetensors', tmp_path / 'clip', '--format',
                      'open_clip', check=False)
    assert result.returncode != 0 and 'lacks' in result.stdout


def _checkpoint_with_config(path, model_cfg, state):
    """A training checkpoint as mmengine writes it: the run's config in its meta."""
    torch.save({'meta': {'cfg': Config(dict(model=model_cfg)).pretty_text}, 'state_dict': state}, path)
    return path


@pytest.fixture(scope='module')
def demo_size_checkpoint(tmp_path_factory):
    """The demo ViT as the teacher backbone of a checkpoint whose meta holds the run's config."""
    torch.manual_seed(0)
    backbone = HarmonyViT(**DEMO_BACKBONE, mask_token=True)
    backbone.init_weights()
    state = {f'teacher.backbone.{k}': v for k, v in backbone.state_dict().items()}
    path = _checkpoint_with_config(tmp_path_factory.mktemp('demo') / 'demo.pth',
                                   dict(type='Harmony', backbone=DEMO_BACKBONE), state)
    return path, backbone.eval()


def test_timm_export_of_the_demo_size_records_its_kwargs_and_computes_the_same_features(demo_size_checkpoint,
                                                                                        tmp_path):
    path, backbone = demo_size_checkpoint
    out = tmp_path / 'timm.safetensors'
    result = run_tool('tools/export_backbone.py', path, out, '--format', 'timm', '--check')
    meta = json.loads((tmp_path / 'timm.json').read_text())
    assert meta['timm_model'] == 'vit_small_patch8_224' and meta['arch']['num_heads'] == 4
    assert {k: v for k, v in meta['timm_kwargs'].items() if k != 'pretrained_cfg_overlay'} == dict(
        embed_dim=128, depth=6, num_heads=4, patch_size=8, img_size=64)
    with safe_open(str(out), 'pt') as header:
        assert json.loads(header.metadata()['timm_kwargs']) == meta['timm_kwargs']
    assert ('timm export: vit_small_patch8_224 with embed_dim=128, depth=6, num_heads=4, patch_size=8, img_size=64 '
            'loads strictly into timm.create_model: 78 tensors, 128-d features') in result.stdout
    model = timm.create_model(meta['timm_model'], pretrained=False, num_classes=0, **meta['timm_kwargs']).eval()
    model.load_state_dict(load_file(str(out)), strict=True)
    assert list(timm.data.resolve_data_config(model=model)['input_size']) == [3, 64, 64]
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(model.forward_features(x), backbone.forward_tokens(x), rtol=0, atol=1e-5)
        # the head count matters: 64-d heads (2) load just as strictly and compute other features
        wrong = timm.create_model(meta['timm_model'], pretrained=False, num_classes=0,
                                  **dict(meta['timm_kwargs'], num_heads=2)).eval()
        wrong.load_state_dict(load_file(str(out)), strict=True)
        assert (wrong.forward_features(x) - backbone.forward_tokens(x)).abs().max() > 1e-2


def test_timm_export_refuses_to_guess_the_head_count(harmony_checkpoint, demo_size_checkpoint, tmp_path):
    out = tmp_path / 'timm.safetensors'
    unknown = run_tool('tools/export_backbone.py', harmony_checkpoint[0], out, '--format', 'timm', check=False)
    assert unknown.returncode != 0 and not out.exists()
    assert ('the number of attention heads of the image backbone cannot be read from the weights and the checkpoint '
            'records no config that gives it: pass it (tools/export_backbone.py --num-heads') in unknown.stdout
    contradicting = run_tool('tools/export_backbone.py', demo_size_checkpoint[0], out, '--format', 'timm',
                             '--num-heads', '2', check=False)
    assert contradicting.returncode != 0 and '--num-heads 2, but the checkpoint records 4' in contradicting.stdout


def test_open_clip_export_of_non_64_d_heads_equals_harmonys_evaluated_towers(tmp_path):
    """Both towers of the tiny Harmony have 16-d heads; the teacher (evaluated) differs from the student."""
    torch.manual_seed(0)
    model = Harmony(**TINY)
    model.init_weights()
    with torch.no_grad():
        for param in model.teacher.parameters():
            param.add_(0.01 * torch.randn_like(param))
    model.eval()
    path = _checkpoint_with_config(tmp_path / 'tiny.pth', dict(type='Harmony', **TINY), model.state_dict())
    result = run_tool('tools/export_backbone.py', path, tmp_path / 'clip', '--format', 'open_clip', '--check')
    assert "open_clip export: loads strictly into open_clip.create_model('local-dir:" in result.stdout
    assert 'image/text embeddings 16/16-d' in result.stdout
    config = json.loads((tmp_path / 'clip' / 'open_clip_config.json').read_text())['model_cfg']
    assert config['text_cfg']['heads'] == 2
    assert config['vision_cfg']['timm_model_name'] == f'local-dir:{tmp_path / "clip" / "timm"}'
    assert json.loads((tmp_path / 'clip' / 'timm' / 'config.json').read_text())['model_args']['num_heads'] == 2
    import open_clip
    exported = open_clip.create_model(f'local-dir:{tmp_path / "clip"}').eval()  # loads with strict=True
    x = torch.randn(3, 3, 32, 32)
    tokens = CaptionTokenizer()(['a red circle above a blue square', 'two green stars', 'a heart'])
    with torch.no_grad():
        torch.testing.assert_close(exported.encode_image(x, normalize=True), model.encode_image(x), rtol=0, atol=1e-5)
        torch.testing.assert_close(exported.encode_text(tokens, normalize=True), model.encode_text(tokens), rtol=0,
                                   atol=1e-5)
