"""kNN and linear probe: a hand computation, the test split never selects, tools/probe.py end to end."""
import json
import math

import pytest
import torch

from harmony.evaluation import knn_accuracy, linear_probe, topk_accuracy
from harmony.models import HarmonyViT
from tests.conftest import run_tool


def test_topk_accuracy():
    scores = torch.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
    assert topk_accuracy(scores, torch.tensor([1, 2, 1]), ks=(1, 2)) == pytest.approx(
        {'top1': 100 / 3, 'top2': 200 / 3})


def test_knn_votes_are_temperature_weighted_by_cosine():
    train = torch.tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]])
    labels = torch.tensor([0, 1, 1, 2])
    test = torch.tensor([[2.0, 1.0]])  # cosines: 0.894, 0.984, 0.447, -0.894
    cos = torch.nn.functional.normalize(test, dim=1) @ torch.nn.functional.normalize(train, dim=1).T
    # k=2: the neighbours are train 1 (class 1) and train 0 (class 0); class 1 wins with exp(0.984 / T)
    assert knn_accuracy(train, labels, test, torch.tensor([1]), 3, k=2, temperature=0.07)['top1'] == 100.0
    # k=3 and a high temperature: votes ~ 1 each, class 1 gets two (train 1 and 2)
    assert knn_accuracy(train, labels, test, torch.tensor([1]), 3, k=3, temperature=100.0)['top1'] == 100.0
    votes = [math.exp(cos[0, 0] / 0.5), math.exp(cos[0, 1] / 0.5) + math.exp(cos[0, 2] / 0.5)]
    assert votes[1] > votes[0]  # the hand computation behind the k=3 case at T=0.5 as well
    assert knn_accuracy(train, labels, test, torch.tensor([1]), 3, k=3, temperature=0.5)['top1'] == 100.0
    # k=1 with the test label set to class 0: wrong
    assert knn_accuracy(train, labels, test, torch.tensor([0]), 3, k=1)['top1'] == 0.0


def _blobs(count, seed):
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(count) % 3
    centres = torch.tensor([[3.0, 0, 0, 0], [0, 3.0, 0, 0], [0, 0, 3.0, 0]])
    return centres[labels] + torch.randn(count, 4, generator=generator), labels


def test_linear_probe_separates_blobs_and_never_selects_on_the_test_split():
    train, train_labels = _blobs(300, 0)
    test, test_labels = _blobs(90, 1)
    result = linear_probe(train, train_labels, test, test_labels, 3, lrs=(1e-6, 0.1), epochs=20, batch_size=32)
    assert result['top1'] > 90 and result['lr'] == 0.1
    scrambled = linear_probe(train, train_labels, -test, test_labels.flip(0), 3, lrs=(1e-6, 0.1), epochs=20,
                             batch_size=32)
    assert scrambled['lr'] == result['lr'] and scrambled['holdout_top1'] == result['holdout_top1']
    with pytest.raises(ValueError, match='holdout'):
        linear_probe(train, train_labels, test, test_labels, 3, holdout=0)


def test_probe_tool_on_the_demo_classes(demo_data, tmp_path):
    torch.manual_seed(0)
    backbone = HarmonyViT(arch=dict(embed_dims=32, num_layers=2, num_heads=2), patch_size=8, img_size=64)
    torch.save(backbone.state_dict(), tmp_path / 'random.pth')
    root = demo_data / 'classification'
    result = run_tool('tools/probe.py', 'configs/demo/probe_vit-demo_demo-cls-64x64.py', tmp_path / 'random.pth',
                      '--work-dir', tmp_path / 'probe', '--cfg-options', 'backbone.arch.embed_dims=32',
                      'backbone.arch.num_layers=2', 'backbone.arch.num_heads=2',
                      f'train_dataloader.dataset.data_root={root}', f'test_dataloader.dataset.data_root={root}',
                      f'train_dataloader.dataset.classes={root / "classnames.txt"}',
                      f'test_dataloader.dataset.classes={root / "classnames.txt"}', 'train_dataloader.num_workers=0',
                      'test_dataloader.num_workers=0', 'probe.linear.epochs=5')
    metrics = json.loads(result.stdout.split('metrics: ')[-1])
    assert set(metrics) == {'knn/top1', 'knn/top5', 'linear/top1', 'linear/top5', 'linear/lr', 'linear/holdout_top1'}
    assert json.loads((tmp_path / 'probe' / 'probe.json').read_text()) == metrics
