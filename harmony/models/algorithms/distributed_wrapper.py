"""The DDP wrapper of Harmony configs: Harmony's own training step under torch distributed."""
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel

from harmony.registry import MODEL_WRAPPERS
from .harmony import Harmony
from .train_step import harmony_train_step


@MODEL_WRAPPERS.register_module()
class HarmonyDistributedDataParallel(MMDistributedDataParallel):
    """MMDistributedDataParallel that runs `harmony_train_step` (teachers once, skipped non-finite updates,
    optional `sequential_backward`) for a Harmony model, and mmengine's step for any other model.

    The sequential step's last backward reaches only the last pass's parameters, so unused-parameter
    detection is switched on for it (DDP then all-reduces the gradients that the earlier passes accumulated).
    """

    def __init__(self, module, find_unused_parameters=False, **kwargs):
        sequential = isinstance(module, Harmony) and module.sequential_backward
        super().__init__(module, find_unused_parameters=find_unused_parameters or sequential, **kwargs)
        if sequential:
            print_log('HarmonyDistributedDataParallel: one backward per student pass, gradients all-reduced with '
                      'the last one', logger='current')

    def train_step(self, data, optim_wrapper):
        if not isinstance(self.module, Harmony):
            return super().train_step(data, optim_wrapper)
        return harmony_train_step(self, self.module, data, optim_wrapper, no_sync=self.no_sync)
