"""Generators seeded from a key of integers: randomness as a function of position, not of history."""
import random

import numpy as np
import torch


def seed_generators(*key, cuda=True):
    """Seed Python's, NumPy's and torch's global generators (CUDA's too unless `cuda=False`) from the integers
    in `key`, e.g. (seed, iteration) or (seed, epoch, sample index)."""
    py_seed, np_seed, torch_seed = np.random.SeedSequence(list(key)).generate_state(3)
    random.seed(int(py_seed))
    np.random.seed(int(np_seed))
    if cuda:
        torch.manual_seed(int(torch_seed))
    else:
        torch.default_generator.manual_seed(int(torch_seed))
