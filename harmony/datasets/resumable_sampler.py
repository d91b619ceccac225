"""mmengine's DefaultSampler that can start an epoch part-way, for runs resumed from a mid-epoch checkpoint."""
from mmengine.dataset import DefaultSampler

from harmony.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class ResumableSampler(DefaultSampler):
    """DefaultSampler (same seeded order per epoch and rank) whose next epoch can skip its first samples.

    `skip(n)` is called by DataPositionHook when a run resumes from a checkpoint saved mid-epoch: that epoch
    then yields only the indices that were not consumed yet, in the order the interrupted run would have used.
    The length stays the full epoch's, as the training loop computes its iteration count from it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._skip = 0

    def skip(self, num_samples):
        self._skip = num_samples

    def __iter__(self):
        indices = list(super().__iter__())[self._skip:]
        self._skip = 0
        return iter(indices)
