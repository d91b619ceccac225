"""Harmony's training step: teachers once, one backward (or one per loss group), non-finite updates skipped."""
from contextlib import nullcontext

import torch


def _backward_only(optim_wrapper, loss):
    """`optim_wrapper.backward` without counting a micro-step: the same loss scaling (gradient accumulation, AMP
    loss scaler), so that the pass backwards of one step count once."""
    loss = optim_wrapper.scale_loss(loss)
    scaler = getattr(optim_wrapper, 'loss_scaler', None)
    (scaler.scale(loss) if scaler is not None else loss).backward()


def harmony_train_step(caller, model, data, optim_wrapper, no_sync=nullcontext):
    """Teachers once, the losses with one backward (or, with `model.sequential_backward`, the forward and
    backward of each of `model.student_passes` in turn), then the optimiser update unless a loss was not finite.

    Sequential mode frees each pass's activations by its backward before the next pass's forward (peak
    memory of the largest pass); the summed gradient equals one backward of the total loss, as the passes
    share no student activations. Under DDP, every backward but the last runs in `no_sync`.

    A non-finite loss on any rank (`model.nonfinite_guard`): the gradients are dropped, the running centres
    restored and no optimiser step is taken. `model.optimizer_stepped` tells the schedule hook whether to move
    the teachers (only after an optimiser step: not after a skipped one, nor inside a gradient-accumulation
    window). Every rank runs its backward first, so DDP's collectives stay matched. `model.frozen_parameters()`
    (the iBOT last layer in the first epoch) come out of the step unchanged.

    Args:
        caller: what runs the forward (the model, or its DDP/FSDP wrapper, which prepares its reducer or gathers
            its shards).
        model: the Harmony module.
        no_sync: context manager factory that suspends gradient synchronisation (DDP's `no_sync`).
    Returns:
        log variables (averaged over ranks) of all passes, with ``loss`` their total.
    """
    centres = model.running_statistics()
    saved_centres = [c.clone() for c in centres]  # the teachers' targets move them
    with optim_wrapper.optim_context(caller), torch.no_grad():
        data = model.data_preprocessor(data, training=True)
        teacher_outputs = caller(**data, mode='teacher')
    log_vars = _losses_and_backward(caller, model, data, teacher_outputs, optim_wrapper, no_sync)
    bad = model.nonfinite_guard.bad_losses(log_vars)
    if bad:
        for centre, saved in zip(centres, saved_centres):
            centre.copy_(saved)
        optim_wrapper.zero_grad()
    _update(model, optim_wrapper, bad)
    return log_vars


def _losses_and_backward(caller, model, data, teacher_outputs, optim_wrapper, no_sync):
    """Forward and backward of all student passes at once or one after the other; -> rank-averaged log values
    (each loss summed over the passes)."""
    num_passes = len(model.student_passes(data['inputs'])) if model.sequential_backward else 1
    log_vars = {}
    for index in range(num_passes):
        last = index == num_passes - 1
        with nullcontext() if last else no_sync():
            with optim_wrapper.optim_context(caller):
                losses = caller(**data, mode='loss', teacher_outputs=teacher_outputs,
                                passes=(index,) if model.sequential_backward else None)
            loss, pass_vars = model.parse_losses(losses)
            if last:
                optim_wrapper.backward(optim_wrapper.scale_loss(loss))  # counts the micro-step
            elif loss is not None:  # a pass with nothing to do (every image's crop 1 went with CLIP)
                _backward_only(optim_wrapper, loss)
        add_shares(log_vars, pass_vars)
    return model.reduce_log_vars(log_vars)


def add_shares(total, shares):
    """Adds one student pass's values to `total` in place: ``loss*`` entries are summed over the passes, the
    others (log-only scalars) taken as they come."""
    for name, value in shares.items():
        total[name] = total[name] + value if name.startswith('loss') and name in total else value


def _update(model, optim_wrapper, bad):
    """The optimiser step at the end of an accumulation window without a bad step; frozen parameters kept."""
    frozen = model.frozen_parameters()
    for param in frozen:
        if param.grad is not None:
            param.grad.zero_()
    guard = model.nonfinite_guard
    update = optim_wrapper.should_update()
    guard.record(bad)  # raises after too many bad steps in a row (the caller already restored the state)
    model.optimizer_stepped = update and not guard.window_bad
    if model.optimizer_stepped:
        kept = [param.detach().clone() for param in frozen]
        optim_wrapper.step()
        with torch.no_grad():
            for param, value in zip(frozen, kept):
                param.copy_(value)
    if update:
        optim_wrapper.zero_grad()
        guard.window_bad = False
