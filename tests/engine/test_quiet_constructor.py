"""QuietOptimWrapperConstructor: mmengine's parameter groups, one log line instead of one per parameter."""
import logging

import torch
from mmengine.logging import MMLogger, print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from harmony.engine.optimizers import QuietOptimWrapperConstructor

OPTIM_WRAPPER = dict(optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.04))
PARAMWISE = dict(norm_decay_mult=0.0, bias_decay_mult=0.0, custom_keys={'cls_token': dict(decay_mult=0.0)})


class Student(nn.Module):
    """A token, a backbone with a norm and a head with a frozen bias (8 trained tensors), and a frozen EMA teacher
    (4 tensors)."""

    def __init__(self):
        super().__init__()
        self.cls_token = nn.Parameter(torch.zeros(1, 4))
        self.backbone = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4), nn.Linear(4, 4))
        self.head = nn.Linear(4, 2)
        self.head.bias.requires_grad_(False)
        self.teacher = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4)).requires_grad_(False)


class Records(logging.Handler):
    """The messages of INFO records and above (those a run's log shows)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _build(constructor, name):
    """-> (optimiser wrapper, messages the current logger passed on while `constructor` built it)."""
    records = Records()
    MMLogger.get_instance(name).addHandler(records)
    wrapper = constructor(OPTIM_WRAPPER, PARAMWISE)(Student())
    return wrapper, records


def _groups(wrapper):
    return [([p.shape for p in g['params']], g['lr'], g['weight_decay']) for g in wrapper.optimizer.param_groups]


def test_same_parameter_groups_as_mmengine_and_one_line_instead_of_one_per_parameter():
    quiet, quiet_records = _build(QuietOptimWrapperConstructor, 'test_quiet_constructor')
    default, default_records = _build(DefaultOptimWrapperConstructor, 'test_default_constructor')
    assert _groups(quiet) == _groups(default) and len(_groups(quiet)) == 8
    skipped = [m for m in default_records.messages if m.endswith('is skipped since its requires_grad=False')]
    assert len(skipped) == 5 and len(default_records.messages) == 12  # and 7 options of the trained tensors
    assert quiet_records.messages == [
        'AdamW optimises 8 tensors (0.00M values): 5 at lr 0.001, weight decay 0, 3 at lr 0.001, weight decay 0.04; '
        'frozen (requires_grad=False), not optimised: head.* (1), teacher.* (4)']


def test_records_of_that_form_pass_again_once_the_optimiser_is_built():
    _, records = _build(QuietOptimWrapperConstructor, 'test_quiet_constructor_after')
    print_log('paramwise_options -- logged after the constructor', logger='current')
    assert records.messages[1:] == ['paramwise_options -- logged after the constructor']
