"""tools/export_backbone.py: every format round-trips with numerically equal features."""
import json

import pytest
import timm
import torch
from safetensors.torch import load_file

from harmony.models import HarmonyTextEncoder, HarmonyViT
from harmony.models.utils.export import describe_backbone, timm_model_name, to_timm
from harmony.utils.tokenizer import CaptionTokenizer
from tests.conftest import run_tool

TEXT = dict(width=128, heads=2, layers=2, embed_dim=96)


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
                      '--source', 'student')
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
        name = timm_model_name(describe_backbone(state))
        reference = timm.create_model(name, num_classes=0, pretrained=False).state_dict()
    assert name == f'vit_{arch}_patch16_224'
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
    run_tool('tools/export_backbone.py', path, tmp_path / 'clip', '--format', 'open_clip', '--text-act', 'quick_gelu')
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
