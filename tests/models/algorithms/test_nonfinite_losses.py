"""A non-finite loss in any objective: the update is skipped (weights, teachers, centres untouched) and logged with
its objective; a run of them stops training; checkpoints with NaN are neither written nor loaded."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.optim import OptimWrapper

from harmony.engine import FiniteCheckpointHook
from harmony.models import Harmony, NonFiniteLossError
from harmony.datasets import collate_pretraining
from harmony.models.algorithms import ScheduledValues, nonfinite_guard
from tests.models.algorithms.test_harmony import TINY
from tests.models.algorithms.test_sequential_backward import _samples

LOSS_OBJECTIVES = [('loss_clip', 'clip'), ('loss_ibot_cls', 'ibot'), ('loss_ibot_patch', 'ibot'),
                   ('loss_mae', 'mae'), ('loss_mlm', 'mlm'), ('loss_text_dist', 'text_dist')]


@pytest.fixture(scope='module')
def batch(demo_data):
    return collate_pretraining(_samples(demo_data, 4))


def _model(**kwargs):
    torch.manual_seed(0)
    model = Harmony(**dict(TINY, backbone=dict(TINY['backbone'], drop_path_rate=0.0)), **kwargs)
    model.init_weights()
    model.set_schedule(ScheduledValues(hard_weight=0.5))
    return model


def _poison(model, loss_name, value=float('nan')):
    """Make `loss_name` non-finite from now on, the way a blown-up activation would (through the graph)."""
    loss = model.loss

    def poisoned(*args, **kwargs):
        losses = loss(*args, **kwargs)
        if loss_name in losses:
            losses[loss_name] = losses[loss_name] * value
        return losses
    model.loss = poisoned


def _state(model):
    return {name: tensor.clone() for name, tensor in model.state_dict().items()}


def _teacher_moved(model, before):
    """Whether the EMA teacher changed since `before` (a `_state`): it moves after each optimiser step only."""
    return not torch.equal(model.state_dict()['teacher.backbone.cls_token'], before['teacher.backbone.cls_token'])


@pytest.mark.parametrize('loss_name,objective', LOSS_OBJECTIVES)
def test_a_nonfinite_loss_skips_the_update_and_names_its_objective(loss_name, objective, batch, monkeypatch):
    model = _model()
    optim_wrapper = OptimWrapper(torch.optim.AdamW(model.parameters(), lr=1e-2))
    before = _state(model)
    _poison(model, loss_name, float('inf') if objective == 'mae' else float('nan'))
    messages = []
    monkeypatch.setattr(nonfinite_guard, 'print_log', lambda message, **kwargs: messages.append(message))
    log_vars = model.train_step(batch, optim_wrapper)
    assert not torch.isfinite(torch.tensor(log_vars[loss_name]))
    after = model.state_dict()
    for name, tensor in before.items():  # students, teachers, iBOT and text centres
        assert torch.equal(after[name], tensor), name
    assert all(p.grad is None for p in model.parameters())
    assert not optim_wrapper.optimizer.state  # AdamW never stepped
    assert len(messages) == 1
    assert f"non-finite loss in objective(s) ['{objective}']" in messages[0] and loss_name in messages[0]


def test_consecutive_nonfinite_steps_stop_the_run_and_a_good_step_resets_the_count(batch):
    model = _model(max_nonfinite_steps=3)
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-2))
    loss = model.loss
    _poison(model, 'loss_ibot_patch')
    for _ in range(2):
        model.train_step(batch, optim_wrapper)
    model.loss = loss
    before = _state(model)
    model.train_step(batch, optim_wrapper)  # a good step in between
    assert _teacher_moved(model, before) and model.nonfinite_guard.consecutive == 0
    _poison(model, 'loss_ibot_patch')
    model.train_step(batch, optim_wrapper)
    model.train_step(batch, optim_wrapper)
    before = _state(model)
    with pytest.raises(NonFiniteLossError, match=r"3 consecutive steps.*\['ibot'\].*--resume"):
        model.train_step(batch, optim_wrapper)
    assert all(torch.equal(model.state_dict()[n], t) for n, t in before.items())


def test_a_bad_step_drops_its_whole_accumulation_window(batch):
    model = _model()
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-2), accumulative_counts=2)
    optim_wrapper.initialize_count_status(model, 0, 4)
    loss = model.loss
    before = _state(model)
    _poison(model, 'loss_mlm')
    model.train_step(batch, optim_wrapper)
    model.loss = loss
    model.train_step(batch, optim_wrapper)  # end of the window: no step, gradients dropped
    assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())  # (the good step moved centres)
    model.train_step(batch, optim_wrapper)
    assert not _teacher_moved(model, before)  # inside the next window: the teachers wait for the step
    model.train_step(batch, optim_wrapper)
    assert _teacher_moved(model, before)
    assert not torch.equal(model.state_dict()['backbone.cls_token'], before['backbone.cls_token'])


def test_checkpoints_with_nonfinite_values_are_neither_written_nor_loaded():
    model = _model()
    state = model.state_dict()
    state['ibot_loss.center'] = torch.full_like(state['ibot_loss.center'], float('nan'))
    runner = SimpleNamespace(iter=7, work_dir='work_dirs/x')
    hook = FiniteCheckpointHook()
    with pytest.raises(FloatingPointError, match=r"iteration 7.*'ibot_loss.center'.*kept"):
        hook.before_save_checkpoint(runner, dict(state_dict=state))
    with pytest.raises(FloatingPointError, match='ibot_loss.center.*earlier checkpoint'):
        hook.after_load_checkpoint(runner, dict(state_dict=state))
    hook.before_save_checkpoint(runner, dict(state_dict=model.state_dict()))
