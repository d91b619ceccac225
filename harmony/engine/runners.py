"""mmengine's Runner and FlexibleRunner with a start-up log that fits on a screen next to the config dump."""
import torch
from mmengine.hooks import Hook
from mmengine.model import revert_sync_batchnorm
from mmengine.runner import FlexibleRunner, Priority, Runner
from mmengine.utils.dl_utils import collect_env

from harmony.registry import RUNNERS


def _priority_name(priority):
    try:
        return Priority(priority).name
    except ValueError:  # a number between the named levels
        return str(priority)


class ShortStartupLog:
    """The environment in two lines (mmengine: ~30, most of them torch's build flags, which
    `python -c 'import torch; print(torch.__config__.show())'` prints) and one line per hook (mmengine: a block per
    stage, ~100 lines)."""

    def _log_env(self, *_):
        system = {key: value for key, value in collect_env().items() if key != 'PyTorch compiling details'}
        self.logger.info('System environment: ' + ', '.join(f'{key}: {value}' for key, value in system.items()))
        self.logger.info(f'Runtime environment: distributed: {self.distributed}, world size: {self.world_size}, '
                         f'seed: {self.seed}')
        if self.cfg._cfg_dict:
            self.logger.info(f'Config:\n{self.cfg.pretty_text}')

    def get_hooks_info(self):
        """The hooks in the order they run, each with its priority and the stages it acts in."""
        return '\n'.join(f'({_priority_name(hook.priority)}) {type(hook).__name__}: '
                         + ', '.join(sorted(hook.get_triggered_stages(), key=Hook.stages.index))
                         for hook in self.hooks)


class SyncBatchNormOnCpu:
    """A distributed run without CUDA gets BN for every SyncBN layer (torch's SyncBatchNorm has no CPU kernel;
    mmengine reverts it only for single-process runs), whichever way the config asked for it (a norm_cfg, or a
    string option of a neck), logged once."""

    def wrap_model(self, model_wrapper_cfg, model):
        if self.distributed and not torch.cuda.is_available():
            count = sum('SyncBatchNorm' in type(module).__name__ for module in model.modules())  # torch's, mmcv's
            if count:
                model = revert_sync_batchnorm(model)
                self.logger.info(f'No CUDA: {count} SyncBatchNorm layers -> BatchNorm (statistics per process)')
        return super().wrap_model(model_wrapper_cfg, model)


@RUNNERS.register_module()
class HarmonyRunner(ShortStartupLog, SyncBatchNormOnCpu, Runner):
    """mmengine's Runner with `ShortStartupLog` and `SyncBatchNormOnCpu`."""


@RUNNERS.register_module()
class HarmonyFlexibleRunner(ShortStartupLog, FlexibleRunner):
    """mmengine's FlexibleRunner (FSDP and other strategies) with `ShortStartupLog`."""
