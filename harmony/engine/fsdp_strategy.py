"""mmengine's FSDPStrategy, fixed so that an FSDP run resumes exactly (torch 2, and on CPU)."""
import torch
from mmengine._strategy import FSDPStrategy
from torch.distributed.fsdp import FullyShardedDataParallel

from harmony.registry import STRATEGIES


@STRATEGIES.register_module()
class HarmonyFSDPStrategy(FSDPStrategy):
    """FSDPStrategy with two fixes, both found by resuming a killed FSDP run (mmengine 0.10.7, torch 2.14):

    - `load_optim_state_dict` passes its arguments by name: mmengine calls `FSDP.optim_state_dict_to_load(
      state_dict, model, optimizer)`, torch 1.x's order, which torch 2 (model, optim, optim_state_dict) rejects.
    - Without CUDA, gathered states are not "offloaded to CPU": on CPU tensors that offload is no copy, and the
      full optimiser state written to the checkpoint then held one reused gather buffer for every state of a
      flat parameter (exp_avg equal to exp_avg_sq, neighbouring parameters equal), so a resumed run continued
      with wrong AdamW moments. On CUDA the offload copies and stays on.
    """

    def _init_state_dict_cfg(self, state_dict_cfg):
        super()._init_state_dict_cfg(state_dict_cfg)
        if not torch.cuda.is_available():
            for config in (self.state_dict_config, self.optim_state_dict_config):
                if getattr(config, 'offload_to_cpu', False):
                    config.offload_to_cpu = False

    def load_optim_state_dict(self, state_dict):
        optim_state_dict = FullyShardedDataParallel.optim_state_dict_to_load(
            model=self.model, optim=self.optim_wrapper.optimizer, optim_state_dict=state_dict)
        self.optim_wrapper.load_state_dict(optim_state_dict)
