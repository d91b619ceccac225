"""Every per-iteration schedule of Harmony, outside `forward`: teacher momentum, hard-label weight, teacher
temperatures, weight decay and the frozen iBOT last layer."""
import dataclasses
import math

import numpy as np
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from harmony.models.algorithms import ScheduledValues
from harmony.registry import HOOKS


def cosine(start, end, step, total):
    """start -> end along a half cosine over `total` steps; `end` from then on (and when total is 0)."""
    if total <= 0 or step >= total:
        return end
    return end + (start - end) * (1 + math.cos(math.pi * step / total)) / 2


def linear(start, end, step, total):
    if total <= 0 or step >= total:
        return end
    return start + (end - start) * step / total


@HOOKS.register_module()
class HarmonyScheduleHook(Hook):
    """Sets the scheduled values of a `Harmony` model before each iteration (`Harmony.set_schedule`, which the
    step reads: the EMA momentum of its teacher update, the hard-label weight, the teacher temperatures, the frozen
    iBOT last layer) and the optimiser's weight decay.

    Every value is a function of the global iteration only, so a resumed run continues each schedule exactly
    where it stopped, and runs shorter than a warm-up simply stop part-way along it. Epoch lengths come from the
    train dataloader.

    Args:
        momentum: (start, end) teacher EMA momentum, cosine over the whole run (0.996 -> 1).
        hard_weight: (start, end) weight of the one-hot CLIP targets, cosine over `hard_weight_epochs` (1 -> 0.2
            over 10 epochs), then constant.
        teacher_temperature: iBOT CLS teacher temperature (0.04).
        teacher_patch_temperature: (start, end) for patch and text tokens, warmed up over `warmup_teacher_epochs`
            (0.04 -> 0.07 over 5 epochs), then `end`.
        teacher_patch_temperature_steps: how the warm-up moves. 'epoch' (the reference's): one value per epoch,
            `np.linspace(start, end, warmup_teacher_epochs)[epoch]`, so `end` is reached at epoch
            `warmup_teacher_epochs - 1` (0.04, 0.0475, ..., 0.07 over 5 epochs); 'iter': linear per iteration,
            `end` from the first iteration after the warm-up.
        weight_decay: (start, end) cosine over the run (0.04 -> 0.4), applied to the groups that decay.
        freeze_last_layer_epochs: the iBOT head's last layer gets no update during these first epochs (1).
    """

    priority = 'NORMAL'

    def __init__(self, momentum=(0.996, 1.0), hard_weight=(1.0, 0.2), hard_weight_epochs=10,
                 teacher_temperature=0.04, teacher_patch_temperature=(0.04, 0.07), warmup_teacher_epochs=5,
                 teacher_patch_temperature_steps='epoch', weight_decay=(0.04, 0.4), freeze_last_layer_epochs=1):
        if teacher_patch_temperature_steps not in ('epoch', 'iter'):
            raise ValueError(f"teacher_patch_temperature_steps must be 'epoch' or 'iter', "
                             f'got {teacher_patch_temperature_steps!r}')
        self.momentum, self.hard_weight, self.hard_weight_epochs = momentum, hard_weight, hard_weight_epochs
        self.teacher_temperature = teacher_temperature
        self.teacher_patch_temperature, self.warmup_teacher_epochs = teacher_patch_temperature, warmup_teacher_epochs
        self.teacher_patch_temperature_steps = teacher_patch_temperature_steps
        self.weight_decay, self.freeze_last_layer_epochs = weight_decay, freeze_last_layer_epochs

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    def before_train(self, runner):
        """Record in each optimiser group how much it decays relative to the base weight decay.

        The multiplier is stored in the group itself (`decay_mult`), so it travels with the optimiser's state:
        a resumed run, whose groups hold the scheduled decay of the moment of the checkpoint, keeps it."""
        self.iters_per_epoch = len(runner.train_dataloader)
        base = runner.optim_wrapper.optimizer.defaults.get('weight_decay') or 1.0
        for group in runner.optim_wrapper.param_groups:
            group.setdefault('decay_mult', group['weight_decay'] / base)

    def values(self, step, total):
        """The scheduled values at iteration `step` of `total`."""
        epoch_steps = self.iters_per_epoch
        return dict(
            momentum=cosine(*self.momentum, step, total),
            hard_weight=cosine(*self.hard_weight, step, self.hard_weight_epochs * epoch_steps),
            teacher_temperature=self.teacher_temperature,
            teacher_patch_temperature=self._patch_temperature(step),
            weight_decay=cosine(*self.weight_decay, step, total),
            freeze_last_layer=step < self.freeze_last_layer_epochs * epoch_steps)

    def _patch_temperature(self, step):
        """The patch/text teacher temperature at iteration `step`."""
        start, end = self.teacher_patch_temperature
        if self.teacher_patch_temperature_steps == 'iter':
            return linear(start, end, step, self.warmup_teacher_epochs * self.iters_per_epoch)
        epoch = step // self.iters_per_epoch
        return float(np.linspace(start, end, self.warmup_teacher_epochs)[epoch]) \
            if epoch < self.warmup_teacher_epochs else end

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        values = self.values(runner.iter, runner.max_iters)
        self._model(runner).set_schedule(ScheduledValues(**{field.name: values[field.name]
                                                            for field in dataclasses.fields(ScheduledValues)}))
        for group in runner.optim_wrapper.param_groups:
            group['weight_decay'] = values['weight_decay'] * group['decay_mult']
        runner.message_hub.update_scalar('train/momentum', values['momentum'])
        runner.message_hub.update_scalar('train/weight_decay', values['weight_decay'])
