"""Per-sample random state: a sample's augmentations depend only on (seed, epoch, index).

With it, what a sample looks like does not depend on which rank or data worker prepares it, on the number of
either, or on where a resumed run restarted: N processes see the samples of one process with the same global
batch, and an interrupted run resumes with the crops, masks and caption choices the uninterrupted run used.
"""
import random
from contextlib import contextmanager

import numpy as np
import torch

from harmony.utils.keyed_seeds import seed_generators


@contextmanager
def sample_random_state(seed, epoch, index):
    """Seed Python's, NumPy's and torch's (CPU) global generators from (seed, epoch, index) for the body; the
    caller's generator states are restored afterwards."""
    py_state, np_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        seed_generators(seed, epoch, index, cuda=False)
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)


class SampleEpoch:
    """The current epoch, shared with the data workers (persistent ones included) through shared memory.

    The main process sets it before the epoch's loader iterator is made (DataPositionHook.before_train_epoch),
    so every worker reads the new value before it prepares a sample of that epoch.
    """

    def __init__(self):
        self._value = torch.zeros((), dtype=torch.int64).share_memory_()

    def set(self, epoch):
        self._value.fill_(int(epoch))

    def get(self):
        return int(self._value)
