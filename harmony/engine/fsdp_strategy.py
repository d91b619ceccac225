"""mmengine's FSDPStrategy, fixed so that an FSDP run resumes exactly (torch 2, on CPU, with mixed precision)."""
import torch
from mmengine._strategy import FSDPStrategy
from torch.distributed.fsdp import FullyShardedDataParallel
from torch.distributed.fsdp.sharded_grad_scaler import ShardedGradScaler

from harmony.registry import STRATEGIES

OPTIMIZER_KEYS = ('state', 'param_groups')  # what FSDP.optim_state_dict converts; the rest is the wrapper's


@STRATEGIES.register_module()
class HarmonyFSDPStrategy(FSDPStrategy):
    """FSDPStrategy with the fixes that resuming a killed FSDP run needed (mmengine 0.10.7, torch 2.14):

    - `load_optim_state_dict` passes its arguments by name: mmengine calls `FSDP.optim_state_dict_to_load(
      state_dict, model, optimizer)`, torch 1.x's order, which torch 2 (model, optim, optim_state_dict) rejects.
    - Without CUDA, gathered states are not "offloaded to CPU": on CPU tensors that offload is no copy, and the
      full optimiser state written to the checkpoint then held one reused gather buffer for every state of a
      flat parameter (exp_avg equal to exp_avg_sq, neighbouring parameters equal), so a resumed run continued
      with wrong AdamW moments. On CUDA the offload copies and stays on.
    - The optimiser wrapper's own entries are saved and resumed: `FSDP.optim_state_dict` keeps only `state` and
      `param_groups` and dropped AmpOptimWrapper's `loss_scaler` (a resumed fp16 run restarted its scale at the
      initial value) and mmengine's `base_param_settings` (the scheduled base learning rate, logged as base_lr).

    It also refuses fused AdamW with AMP (see `build_optim_wrapper`).
    """

    def _init_state_dict_cfg(self, state_dict_cfg):
        super()._init_state_dict_cfg(state_dict_cfg)
        if not torch.cuda.is_available():
            for config in (self.state_dict_config, self.optim_state_dict_config):
                if getattr(config, 'offload_to_cpu', False):
                    config.offload_to_cpu = False

    def build_optim_wrapper(self, optim_wrapper, model=None):
        """mmengine's; raises ValueError for AMP (a ShardedGradScaler) with a fused optimiser: torch's sharded
        scaler hands the fused step a found-inf flag of shape [1] where it needs a scalar (pytorch#140514), so
        the first step after unscaling the gradients (gradient clipping) fails."""
        wrapper = super().build_optim_wrapper(optim_wrapper, model)
        if isinstance(getattr(wrapper, 'loss_scaler', None), ShardedGradScaler) and \
                wrapper.optimizer.defaults.get('fused'):
            raise ValueError(
                'optim_wrapper.optimizer.fused=True does not run with AMP under FSDP: torch\'s ShardedGradScaler '
                'gives the fused optimiser step a found-inf flag of the wrong shape (pytorch/pytorch#140514). Set '
                'optim_wrapper.optimizer.fused=False (foreach AdamW) in the config, as '
                'configs/harmony/vitl16_cc3m_fsdp.py does.')
        return wrapper

    def optim_state_dict(self):
        """FSDP's full optimiser state and the wrapper's own entries (`loss_scaler`, `base_param_settings`)."""
        state_dict = super().optim_state_dict()
        state_dict.update(_wrapper_entries(self.optim_wrapper.state_dict()))
        return state_dict

    def load_optim_state_dict(self, state_dict):
        wrapper_entries = _wrapper_entries(state_dict)
        optim_state_dict = FullyShardedDataParallel.optim_state_dict_to_load(
            model=self.model, optim=self.optim_wrapper.optimizer, optim_state_dict=_optimizer_entries(state_dict))
        self.optim_wrapper.load_state_dict({**optim_state_dict, **wrapper_entries})  # loaded as without FSDP


def _optimizer_entries(state_dict):
    return {key: value for key, value in state_dict.items() if key in OPTIMIZER_KEYS}


def _wrapper_entries(state_dict):
    return {key: value for key, value in state_dict.items() if key not in OPTIMIZER_KEYS}
