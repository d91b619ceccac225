"""tools/export_backbone.py: every format round-trips with numerically equal features."""
import json

import pytest
import timm
import torch
from safetensors.torch import load_file

from harmony.models import HarmonyViT
from harmony.models.utils.export import describe_backbone, timm_model_name, to_timm
from tests.conftest import run_tool


@pytest.fixture(scope='module')
def harmony_checkpoint(tmp_path_factory):
    """A Harmony-style training checkpoint with a ViT-Ti/16 student and teacher."""
    path = tmp_path_factory.mktemp('ckpt') / 'harmony.pth'
    student, teacher = (HarmonyViT('tiny', mask_token=True) for _ in range(2))
    for model in (student, teacher):
        model.init_weights()
    state = {f'backbone.{k}': v for k, v in student.state_dict().items()}
    state.update({f'teacher.backbone.{k}': v for k, v in teacher.state_dict().items()})
    torch.save({'meta': {}, 'state_dict': state}, path)
    return path, student.eval(), teacher.eval()


def test_harmony_format_round_trip(harmony_checkpoint, tmp_path):
    path, _, teacher = harmony_checkpoint
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
    path, student, _ = harmony_checkpoint
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
