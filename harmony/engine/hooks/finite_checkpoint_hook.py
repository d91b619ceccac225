"""Checkpoints hold finite numbers only: checked when one is written and when one is loaded."""
import torch
from mmengine.hooks import Hook

from harmony.registry import HOOKS


def nonfinite_entries(state):
    """Names of the floating-point tensors of a state dict that contain NaN or inf."""
    return [name for name, value in state.items()
            if torch.is_tensor(value) and value.is_floating_point() and not torch.isfinite(value).all()]


@HOOKS.register_module()
class FiniteCheckpointHook(Hook):
    """Refuses to write a checkpoint whose model state (weights, teachers, logit scale, iBOT and text centres) is
    not finite, keeping the previous checkpoints as they are, and refuses to resume from or load such a file."""

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint):
        bad = nonfinite_entries(checkpoint['state_dict'])
        if bad:
            raise FloatingPointError(f'not writing a checkpoint at iteration {runner.iter}: non-finite values in '
                                     f'{bad[:10]}{" ..." if len(bad) > 10 else ""}; the checkpoints already in '
                                     f'{runner.work_dir} are kept')

    def after_load_checkpoint(self, runner, checkpoint):
        bad = nonfinite_entries(checkpoint.get('state_dict', {}))
        if bad:
            raise FloatingPointError(f'the loaded checkpoint has non-finite values in {bad[:10]}'
                                     f'{" ..." if len(bad) > 10 else ""}: resume from an earlier checkpoint')
