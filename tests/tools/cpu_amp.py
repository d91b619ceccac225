"""Imported into tools/train.py by the mixed-precision resume tests (custom_imports): `CPUAmpOptimWrapper`, mmengine's
AmpOptimWrapper with CPU autocast and a CPU GradScaler in place of CUDA's, so that the loss scaler's checkpoint
round trip runs on CPU. Everything else (loss_scale parsing, scaled backward, unscale before clipping, skipped
overflow steps, scale updates, state_dict/load_state_dict) is mmengine's and torch's own code.
"""
from contextlib import contextmanager
from functools import partial
from unittest import mock

import torch
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.optim.optimizer import amp_optimizer_wrapper
from mmengine.registry import OPTIM_WRAPPERS
from torch.distributed.fsdp import sharded_grad_scaler


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(AmpOptimWrapper):
    """AmpOptimWrapper on CPU (tests only): fp16 or bf16 autocast, a dynamic CPU loss scaler."""

    def __init__(self, **kwargs):
        with mock.patch.object(amp_optimizer_wrapper, 'is_cuda_available', return_value=True), \
                mock.patch.object(amp_optimizer_wrapper, 'GradScaler', partial(torch.amp.GradScaler, 'cpu')), \
                mock.patch.object(sharded_grad_scaler, 'ShardedGradScaler',
                                  partial(sharded_grad_scaler.ShardedGradScaler, device='cpu')):
            super().__init__(**kwargs)

    @contextmanager
    def optim_context(self, model):
        with OptimWrapper.optim_context(self, model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield
