"""tools/init_checkpoint.py: the random-init baseline is a training checkpoint that the evaluation tools accept."""
import torch
from safetensors.torch import load_file

from tests.conftest import run_tool
from tests.models.algorithms.test_harmony import TINY_OPTIONS

CONFIG = 'configs/demo/harmony_vit-demo_demo-pretrain.py'


def _init(tmp_path, seed):
    out = tmp_path / f'init_{seed}.pth'
    run_tool('tools/init_checkpoint.py', CONFIG, out, '--seed', seed, '--cfg-options', *TINY_OPTIONS)
    return out


def _cls_token(path):
    return torch.load(path, weights_only=False)['state_dict']['backbone.cls_token']


def test_random_init_checkpoint_is_seeded_and_exports_like_a_trained_one(tmp_path):
    first, again, other = _init(tmp_path, 0), _init(tmp_path, 0), _init(tmp_path, 1)
    checkpoint = torch.load(first, weights_only=False)
    state = checkpoint['state_dict']
    assert checkpoint['meta']['random_init'] and checkpoint['meta']['iter'] == 0
    assert torch.equal(_cls_token(first), _cls_token(again)) and not torch.equal(_cls_token(first), _cls_token(other))
    students = [k for k in state if k.startswith('backbone.')]
    assert students and all(torch.equal(state[k], state['teacher.' + k]) for k in students)  # teacher = student
    exported = tmp_path / 'backbone.safetensors'
    run_tool('tools/export_backbone.py', first, exported)
    backbone = load_file(exported)
    assert torch.equal(backbone['cls_token'], state['backbone.cls_token'])
