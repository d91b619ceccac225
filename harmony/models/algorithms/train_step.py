"""Harmony's training step, in one place: teachers, student forwards and backwards, optimiser step, EMA."""
from contextlib import nullcontext

import torch
import torch.distributed as dist

from ..utils.distributed import world_info


def harmony_train_step(caller, model, data, optim_wrapper, no_sync=nullcontext, update_teacher=None):
    """One Harmony step:

    1. the EMA teachers' targets, once (`Harmony.teacher_targets`);
    2. the students' losses and their backward: one backward of the summed loss, or, with
       `model.sequential_backward`, the forward and backward of each of `model.student_passes` in turn (each pass's
       activations are freed by its backward before the next pass runs; the summed gradient is the same, as the
       passes share no student activations; under DDP every backward but the last runs in `no_sync`);
    3. the optimiser step at the end of an accumulation window, with `model.frozen_parameters()` kept unchanged;
    4. the EMA teacher update with ``model.schedule.momentum``, after each optimiser step.

    A non-finite loss on any rank (`model.nonfinite_guard`): the gradients are dropped, the running centres
    restored, and neither the optimiser nor the teachers move. Every rank runs its backward first, so DDP's
    collectives stay matched.

    Args:
        caller: what runs the forward (the model, or its DDP/FSDP wrapper, which prepares its reducer or gathers
            its shards).
        model: the Harmony module.
        no_sync: context manager factory that suspends gradient synchronisation (DDP's `no_sync`).
        update_teacher: the EMA update, `momentum -> None` (default `model.update_teacher`; the FSDP wrapper's
            gathers the parameters it needs).
    Returns:
        log variables (averaged over ranks) of all passes, with ``loss`` their total.
    """
    centres = model.running_statistics()
    saved_centres = [c.clone() for c in centres]  # the teachers' targets move them
    with optim_wrapper.optim_context(caller), torch.no_grad():
        data = model.data_preprocessor(data, training=True)
        teacher_targets = caller(**data, mode='teacher')
    log_vars = _losses_and_backward(caller, model, data, teacher_targets, optim_wrapper, no_sync)
    bad = model.nonfinite_guard.bad_losses(log_vars)
    if bad:
        for centre, saved in zip(centres, saved_centres):
            centre.copy_(saved)
        optim_wrapper.zero_grad()
    if _optimiser_step(model, optim_wrapper, bad):
        (update_teacher or model.update_teacher)(model.schedule.momentum)
    return log_vars


def _losses_and_backward(caller, model, data, teacher_targets, optim_wrapper, no_sync):
    """Forward and backward of all student passes at once or one after the other; -> rank-averaged log values
    (each loss summed over the passes)."""
    num_passes = len(model.student_passes(data['inputs'])) if model.sequential_backward else 1
    log_vars = {}
    for index in range(num_passes):
        last = index == num_passes - 1
        with nullcontext() if last else no_sync():
            with optim_wrapper.optim_context(caller):
                losses = caller(**data, mode='loss', teacher_targets=teacher_targets,
                                passes=(index,) if model.sequential_backward else None)
            loss, pass_vars = parse_losses(losses)
            if last:
                optim_wrapper.backward(optim_wrapper.scale_loss(loss))  # counts the micro-step
            elif loss is not None:  # a pass with nothing to do (every image's crop 1 went with CLIP)
                _backward_only(optim_wrapper, loss)
        add_shares(log_vars, pass_vars)
    return reduce_log_vars(log_vars)


def _backward_only(optim_wrapper, loss):
    """`optim_wrapper.backward` without counting a micro-step: the same loss scaling (gradient accumulation, AMP
    loss scaler), so that the pass backwards of one step count once."""
    loss = optim_wrapper.scale_loss(loss)
    scaler = getattr(optim_wrapper, 'loss_scaler', None)
    (scaler.scale(loss) if scaler is not None else loss).backward()


def add_shares(total, shares):
    """Adds one student pass's values to `total` in place: ``loss*`` entries are summed over the passes, the
    others (log-only scalars) taken as they come."""
    for name, value in shares.items():
        total[name] = total[name] + value if name.startswith('loss') and name in total else value


def parse_losses(losses):
    """-> (sum of the ``loss*`` entries to back-propagate, or None if there are none; {name: detached value} of
    this rank, for `reduce_log_vars`)."""
    terms = [value for name, value in losses.items() if name.startswith('loss')]
    loss = sum(terms[1:], terms[0]) if terms else None
    log_vars = {name: torch.as_tensor(value).detach().float() for name, value in losses.items()}
    if loss is not None:
        log_vars['loss'] = loss.detach().float()
    return loss, log_vars


def reduce_log_vars(log_vars):
    """{name: value} of this rank -> {name: float averaged over ranks}, in one all-reduce: the log shows the global
    batch's losses, and a NaN on any rank reaches all of them (for `NonFiniteGuard`). The values go in name order:
    ranks meet the names in different orders (a loss's first share may come from another pass)."""
    names = sorted(log_vars)
    values = torch.stack([log_vars[name] for name in names])
    _, world_size = world_info()
    if world_size > 1:
        dist.all_reduce(values)
        values = values / world_size
    return dict(zip(names, values.tolist()))


def _optimiser_step(model, optim_wrapper, bad):
    """The optimiser step at the end of an accumulation window without a bad step, frozen parameters kept;
    -> whether it stepped."""
    frozen = model.frozen_parameters()
    for param in frozen:
        if param.grad is not None:
            param.grad.zero_()
    guard = model.nonfinite_guard
    update = optim_wrapper.should_update()
    guard.record(bad)  # raises after too many bad steps in a row (the caller already restored the state)
    stepped = update and not guard.window_bad
    if stepped:
        kept = [param.detach().clone() for param in frozen]
        optim_wrapper.step()
        with torch.no_grad():
            for param, value in zip(frozen, kept):
                param.copy_(value)
    if update:
        optim_wrapper.zero_grad()
        guard.window_bad = False
    return stepped
