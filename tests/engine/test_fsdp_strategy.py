"""HarmonyFSDPStrategy's optimiser wrapper: AMP gets torch's sharded loss scaler, fused AdamW with it is refused."""
import pytest
from torch import nn
from torch.distributed.fsdp.sharded_grad_scaler import ShardedGradScaler

import tests.tools.cpu_amp  # noqa: F401  (registers CPUAmpOptimWrapper)
from harmony.engine import HarmonyFSDPStrategy


def _amp_wrapper(fused):
    return dict(type='CPUAmpOptimWrapper', use_fsdp=True, dtype='float16',
                optimizer=dict(type='AdamW', lr=1e-3, fused=fused))


def test_amp_under_fsdp_uses_the_sharded_loss_scaler():
    wrapper = HarmonyFSDPStrategy().build_optim_wrapper(_amp_wrapper(fused=False), nn.Linear(4, 2))
    assert isinstance(wrapper.loss_scaler, ShardedGradScaler)


def test_fused_adamw_with_amp_under_fsdp_is_refused_with_the_key_to_change():
    with pytest.raises(ValueError, match=r'optim_wrapper\.optimizer\.fused=False'):
        HarmonyFSDPStrategy().build_optim_wrapper(_amp_wrapper(fused=True), nn.Linear(4, 2))
