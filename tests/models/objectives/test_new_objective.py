"""Adding an objective is one new class and a config entry: a toy sixth objective, registered here and touching no
file of the package, trains a step beside the five of Harmony."""
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.optim import OptimWrapper

from harmony.datasets import collate_pretraining
from harmony.models import Harmony, Objective
from harmony.models.objectives import StudentPass
from harmony.registry import MODELS
from tests.models.algorithms.test_harmony import TINY
from tests.models.algorithms.test_sequential_backward import _samples


@dataclass
class CropColourEncoding:
    """Class tokens [B, C] of global view `view`."""

    view: int
    cls: torch.Tensor


@dataclass(frozen=True)
class CropColourPass(StudentPass):
    view: int
    objective: Objective = field(repr=False)

    def encode(self, model, batch):
        crops = batch.global_crops[batch.view_rows(self.view)]
        return [CropColourEncoding(self.view, model.backbone.forward_tokens(crops)[:, 0])]


@MODELS.register_module(force=True)
class MeanColourLoss(nn.Module):
    def forward(self, pred, crops):
        return F.mse_loss(pred, crops.mean(dim=(2, 3)))


@MODELS.register_module(force=True)
class MeanColourObjective(Objective):
    """Predicts each global crop's mean colour from its class token (a regression head on the student ViT)."""

    loss_names = ('loss_colour',)
    consumes = (CropColourEncoding,)

    def __init__(self, head=None, loss=None):
        self.head_cfg = dict(dict(type='ProjectionHead', out_dim=3, hidden_dims=16, bottleneck_dims=8), **(head or {}))
        self.loss_cfg = loss or dict(type='MeanColourLoss')

    def build(self, model):
        return dict(colour_head=MODELS.build(dict(self.head_cfg, in_dims=model.backbone.embed_dims)),
                    colour_loss=MODELS.build(self.loss_cfg))

    def student_passes(self, model, batch):
        return [CropColourPass(view, self) for view in range(batch.num_global)]

    def shares(self, model, encoding, batch, targets):
        crops = batch.global_crops[batch.view_rows(encoding.view)]
        return dict(loss_colour=model.colour_loss(model.colour_head(encoding.cls), crops) / batch.num_global)


def test_a_sixth_objective_trains_beside_the_five(demo_data):
    torch.manual_seed(0)
    model = Harmony(**dict(TINY, objectives=dict(TINY['objectives'], colour=dict(type='MeanColourObjective'))),
                    sequential_backward=True)
    model.init_weights()
    batch = model.data_preprocessor(collate_pretraining(_samples(demo_data, 2)), True)['inputs']
    assert [type(step).__name__ for step in model.student_passes(batch)][-2:] == ['CropColourPass', 'CropColourPass']
    head_before = {n: p.detach().clone() for n, p in model.colour_head.named_parameters() if p.requires_grad}
    optim_wrapper = OptimWrapper(torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1))
    log_vars = model.train_step(collate_pretraining(_samples(demo_data, 4)), optim_wrapper)
    assert {'loss_colour', 'loss_clip', 'loss_ibot_cls', 'loss_mae', 'loss_mlm', 'loss_text_dist'} <= set(log_vars)
    assert log_vars['loss_colour'] > 0
    assert model.nonfinite_guard.loss_objectives['loss_colour'] == 'colour'
    assert all(not torch.equal(model.colour_head.get_parameter(n), p) for n, p in head_before.items())
    assert 'colour_head' not in model.teacher  # it named no teacher module
