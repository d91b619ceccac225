"""A sample's augmentation depends on (seed, epoch, index) only: not on the order, the process or the caller's
random state, which it leaves as it was."""
import dataclasses
import random

import numpy as np
import torch
from mmengine.registry import DefaultScope

from harmony.datasets import Img2DatasetFolder
from harmony.datasets.sample_randomness import sample_random_state
from tests.models.algorithms.test_sequential_backward import PIPELINE


def _dataset(demo_data, seed):
    with DefaultScope.overwrite_default_scope('harmony'):
        return Img2DatasetFolder(str(demo_data / 'pretrain' / 'files'), pipeline=PIPELINE, augment_seed=seed)


def _same(a, b):
    fields = [field.name for field in dataclasses.fields(a['inputs']) if getattr(a['inputs'], field.name) is not None]
    return all(torch.equal(getattr(a['inputs'], name), getattr(b['inputs'], name)) for name in fields)


def test_a_sample_is_the_same_in_any_order_and_changes_with_the_epoch(demo_data):
    dataset = _dataset(demo_data, seed=3)
    first = dataset[5]
    torch.rand(7), np.random.rand(3), random.random()  # other draws in between
    dataset[2]
    assert _same(dataset[5], first)
    assert _same(_dataset(demo_data, seed=3)[5], first)  # another process, another worker
    assert not _same(_dataset(demo_data, seed=4)[5], first)
    dataset.set_epoch(1)
    assert not _same(dataset[5], first)
    dataset.set_epoch(0)
    assert _same(dataset[5], first)


def test_the_callers_random_state_is_restored():
    torch.manual_seed(0), np.random.seed(0), random.seed(0)
    expected = torch.rand(2), np.random.rand(2), random.random()
    torch.manual_seed(0), np.random.seed(0), random.seed(0)
    with sample_random_state(1, 2, 3):
        inside = torch.rand(2), np.random.rand(2), random.random()
    after = torch.rand(2), np.random.rand(2), random.random()
    assert torch.equal(after[0], expected[0]) and np.array_equal(after[1], expected[1]) and after[2] == expected[2]
    with sample_random_state(1, 2, 3):
        assert torch.equal(torch.rand(2), inside[0])
