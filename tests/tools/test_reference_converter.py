"""tools/model_converters/reference2harmony.py on the reference fixture's checkpoint files."""
import argparse
import json

import torch
from safetensors.torch import load_file

from harmony.models.backbones import HarmonyViT
from harmony.models.utils import load_backbone_weights
from harmony.models.utils.export import recorded_settings
from tests.conftest import run_tool
from tests.models.test_reference_fixture import CONFIG, FIXTURE_SIZES, fixture, reference_model  # noqa: F401

TOOL = 'tools/model_converters/reference2harmony.py'


def fixture_config(tmp_path):
    """The reference config at the fixture's sizes, as a file for --config."""
    lines = [f"_base_ = '{CONFIG}'"]
    sizes = {}
    for dotted, value in FIXTURE_SIZES.items():
        node = sizes
        *parents, leaf = dotted.split('.')
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    lines += [f'{name} = {value!r}' for name, value in sizes.items()]
    path = tmp_path / 'reference_fixture_config.py'
    path.write_text('\n'.join(lines) + '\n')
    return path


def test_training_checkpoint_converts_loads_and_exports_the_teacher(fixture, tmp_path):  # noqa: F811
    state = fixture['state']
    source = tmp_path / 'checkpoint.pth'
    torch.save(dict(model=state, epoch=3, args=argparse.Namespace(arch='vit_tiny64'),
                    disc_loss=dict(center=state['discriminative_path.loss.center'],
                                   center2=state['discriminative_path.loss.center2'])), source)
    out, backbone = tmp_path / 'harmony.pth', tmp_path / 'teacher_vit.safetensors'
    result = run_tool(TOOL, source, '--out', out, '--config', fixture_config(tmp_path), '--backbone-out', backbone)
    assert 'decoder_pos_embed' in result.stdout
    converted = torch.load(out, weights_only=True)  # tensors only: usable as load_from
    assert converted['meta']['reference_epoch'] == 3
    # the run's config rides along, with the head counts the weights do not show (tools/export_backbone.py)
    assert recorded_settings(converted['meta']) == dict(num_heads=2, text_heads=8, text_act='quick_gelu',
                                                        norm_eps=1e-6)
    assert json.loads(backbone.with_suffix('.json').read_text())['arch']['num_heads'] == 2
    model, _ = reference_model(fixture)
    model.load_state_dict(converted['state_dict'], strict=True)
    vit = HarmonyViT(arch=dict(embed_dims=64, num_layers=2, num_heads=2), img_size=64)
    report = load_backbone_weights(vit, str(backbone))
    assert not report['missing'] and not report['unexpected']
    torch.testing.assert_close(load_file(backbone)['cls_token'], state['discriminative_path.teacher.backbone.cls_token'])

    incomplete = {k: v for k, v in state.items() if not (k.endswith('distillation_head.mlp.0.bias') and 'teacher' in k)}
    torch.save(dict(model=incomplete, epoch=3), source)
    failed = run_tool(TOOL, source, '--out', out, '--config', fixture_config(tmp_path), check=False)
    assert failed.returncode != 0 and "teacher.text_dist_head.mlp.0.bias" in failed.stdout


def test_teacher_tower_files_convert_strictly(fixture, tmp_path):  # noqa: F811
    spec, state = fixture['spec'], fixture['state']
    files = {}
    for name in ('main_vit_checkpoint_pth', 'main_text_checkpoint_pth'):
        files[name] = tmp_path / name.replace('_pth', '.pth')
        torch.save({k: state[e['equals_checkpoint_key']] for k, e in spec[name]['keys'].items()}, files[name])
    out = tmp_path / 'teachers.pth'
    run_tool(TOOL, *files.values(), '--out', out, '--backbone-out', tmp_path / 'vit.safetensors')
    towers = torch.load(out, weights_only=True)['state_dict']
    assert {k.split('.')[1] for k in towers} == {'backbone', 'image_projection', 'text_encoder'}

    vit = torch.load(files['main_vit_checkpoint_pth'])
    vit['blocks.0.extra.weight'] = torch.zeros(1)
    torch.save(vit, files['main_vit_checkpoint_pth'])
    failed = run_tool(TOOL, files['main_vit_checkpoint_pth'], '--out', out, check=False)
    assert failed.returncode != 0 and 'teacher.backbone.blocks.0.extra.weight' in failed.stdout
