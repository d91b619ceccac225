"""mmengine's weight-initialisation report as one log line (`summarise_init_info`, Harmony's `_dump_init_info`)."""
import torch
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from torch import nn

from harmony.models.utils.init_report import summarise_init_info


class Tower(BaseModule):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)

    def init_weights(self):
        nn.init.constant_(self.proj.weight, 0.5)
        nn.init.constant_(self.proj.bias, 0.1)


class Model(BaseModule):
    """Two towers set by their own init_weights, one Xavier-initialised layer (init_cfg), one tensor left as is."""

    _dump_init_info = summarise_init_info

    def __init__(self):
        super().__init__(init_cfg=dict(type='Xavier', layer='Linear', override=dict(name='head')))
        self.student, self.teacher = Tower(), Tower()
        self.head = nn.Linear(4, 2)
        self.scale = nn.Parameter(torch.ones(1))


def test_one_summary_line_in_the_log_file_instead_of_three_lines_per_parameter(tmp_path):
    log_file = tmp_path / 'run.log'
    MMLogger.get_instance('test_init_report', log_file=str(log_file))
    model = Model()
    model.init_weights()
    lines = log_file.read_text().splitlines()
    assert len(lines) == 1, lines
    kinds = lines[0].split(' - INFO - ')[1]
    assert kinds.startswith('init_weights of Model: 7 parameter tensors; 4: Initialized by user-defined '
                            '`init_weights` in Tower; 2: XavierInit')
    assert kinds.endswith('; 1: The value is the same before and after calling `init_weights` of Model')
    assert not any(name in lines[0] for name, _ in model.named_parameters())
    assert torch.equal(model.student.proj.weight, torch.full((4, 4), 0.5))  # the initialisation itself unchanged
    assert not hasattr(model, '_params_init_info')
