"""HarmonyScheduleHook's patch/text teacher temperature warm-up: per epoch (default, the reference) or per iteration."""
import numpy as np
import pytest

from harmony.engine import HarmonyScheduleHook


def _temperatures(iters_per_epoch, steps, **kwargs):
    hook = HarmonyScheduleHook(**kwargs)
    hook.iters_per_epoch = iters_per_epoch
    return [hook.values(step, 1000)['teacher_patch_temperature'] for step in steps]


def test_default_is_the_references_per_epoch_linspace():
    values = _temperatures(1, range(13))
    # the reference: np.concatenate((np.linspace(0.04, 0.07, 5), np.ones(epochs - 5) * 0.07))[epoch]
    assert values == [0.04, 0.0475, 0.05500000000000001, 0.0625] + [0.07] * 9
    assert values[2] == 0.05500000000000001 and values[12] == 0.07


def test_per_epoch_values_hold_through_each_epoch_of_several_iterations():
    values = _temperatures(7, range(42))
    epochs = [values[7 * e:7 * (e + 1)] for e in range(6)]
    assert all(len(set(epoch)) == 1 for epoch in epochs)
    assert [epoch[0] for epoch in epochs] == [0.04, 0.0475, 0.05500000000000001, 0.0625, 0.07, 0.07]


@pytest.mark.parametrize('epochs,expected', [(1, [0.04, 0.07, 0.07]), (0, [0.07, 0.07, 0.07])])
def test_per_epoch_warm_up_of_one_or_no_epoch(epochs, expected):
    assert _temperatures(2, [0, 2, 4], warmup_teacher_epochs=epochs) == expected  # as np.linspace(.., .., W)


def test_per_iteration_warm_up():
    values = _temperatures(10, [0, 1, 9, 50, 99, 100, 500], warmup_teacher_epochs=10,
                           teacher_patch_temperature_steps='iter')
    assert values[0] == 0.04 and values[-2:] == [0.07, 0.07]
    assert values[1:5] == pytest.approx([0.04 + 0.03 * s / 100 for s in (1, 9, 50, 99)], abs=1e-15)
    assert values[1] != values[2]  # moves within an epoch


def test_unknown_steps_are_refused():
    with pytest.raises(ValueError, match="teacher_patch_temperature_steps must be 'epoch' or 'iter', got 'epochs'"):
        HarmonyScheduleHook(teacher_patch_temperature_steps='epochs')
