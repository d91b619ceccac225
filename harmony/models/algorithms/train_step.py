"""Memory-saving training step: one backward per loss group, gradients synchronised across ranks once."""
from contextlib import nullcontext

from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel

from harmony.registry import MODEL_WRAPPERS


def _backward_only(optim_wrapper, loss):
    """`optim_wrapper.update_params` without the step: the same loss scaling (gradient accumulation, AMP loss
    scaler), and the wrapper's update counter left alone so that the group backward of the step counts once."""
    loss = optim_wrapper.scale_loss(loss)
    scaler = getattr(optim_wrapper, 'loss_scaler', None)
    (scaler.scale(loss) if scaler is not None else loss).backward()


def sequential_train_step(caller, model, data, optim_wrapper, no_sync=nullcontext):
    """Teachers once, then forward and backward of each of `model.loss_groups` in turn; one optimiser update.

    Each group's activations are freed by its backward before the next group's forward, so the peak memory is
    that of the largest group. The summed gradient equals one backward of the total loss (the groups share no
    student activations). Under DDP, every backward but the last runs in `no_sync`; the last one all-reduces
    the accumulated gradients.

    Args:
        caller: what runs the forward (the model, or its DDP wrapper so that DDP prepares the reducer).
        model: the Harmony module.
        no_sync: context manager factory that suspends gradient synchronisation (DDP's `no_sync`).
    Returns:
        log variables of all groups, with ``loss`` their total.
    """
    with optim_wrapper.optim_context(caller):
        data = model.data_preprocessor(data, training=True)
        teacher_outputs = model.teacher_outputs(data['inputs'])
    groups = model.loss_groups
    log_vars = {'loss': 0.0}
    for index, group in enumerate(groups):
        last = index == len(groups) - 1
        with nullcontext() if last else no_sync():
            with optim_wrapper.optim_context(caller):
                losses = caller(**data, mode='loss', teacher_outputs=teacher_outputs, groups=(group,))
            loss, group_vars = model.parse_losses(losses)
            if last:
                optim_wrapper.update_params(loss)
            else:
                _backward_only(optim_wrapper, loss)
        log_vars['loss'] += group_vars.pop('loss')
        log_vars.update(group_vars)
    return log_vars


@MODEL_WRAPPERS.register_module()
class HarmonyDistributedDataParallel(MMDistributedDataParallel):
    """MMDistributedDataParallel that runs Harmony's `sequential_backward` step when the model asks for it.

    That step's last backward reaches only the last group's parameters, so unused-parameter detection is
    switched on for it (DDP then all-reduces the gradients that the earlier groups accumulated).
    """

    def __init__(self, module, find_unused_parameters=False, **kwargs):
        sequential = getattr(module, 'sequential_backward', False)
        super().__init__(module, find_unused_parameters=find_unused_parameters or sequential, **kwargs)
        if sequential:
            print_log(f'HarmonyDistributedDataParallel: one backward per loss group {module.loss_groups}, gradients '
                      'all-reduced with the last one', logger='current')

    def train_step(self, data, optim_wrapper):
        if not getattr(self.module, 'sequential_backward', False):
            return super().train_step(data, optim_wrapper)
        return sequential_train_step(self, self.module, data, optim_wrapper, no_sync=self.no_sync)
