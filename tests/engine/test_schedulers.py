"""The reference's lr schedule with mmengine schedulers: linear from 0 over 3 epochs (per iteration), then cosine
to 1e-6, stepped as mmengine's ParamSchedulerHook steps them."""
import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS, DefaultScope

import harmony  # noqa: F401

BASE_LR, MIN_LR, EPOCHS, WARMUP, EPOCH_LENGTH = 2e-3, 1e-6, 7, 3, 4


def _lrs(schedulers):
    """lr of each iteration of the run, the schedulers built from their configs as mmengine's Runner builds them."""
    wrapper = OptimWrapper(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=BASE_LR))
    with DefaultScope.overwrite_default_scope('harmony'):
        built = [PARAM_SCHEDULERS.build(dict(cfg, convert_to_iter_based=True),
                                        default_args=dict(optimizer=wrapper, epoch_length=EPOCH_LENGTH))
                 for cfg in schedulers]
    lrs = []
    for _ in range(EPOCHS * EPOCH_LENGTH):
        lrs.append(wrapper.param_groups[0]['lr'])
        wrapper.step()
        for scheduler in built:
            scheduler.step()
    return np.array(lrs)


def _reference():
    """np.linspace(0, base, warm-up iterations), then base -> min along a half cosine over the other iterations
    (DINO's cosine_scheduler)."""
    warmup = WARMUP * EPOCH_LENGTH
    steps = np.arange(EPOCHS * EPOCH_LENGTH - warmup)
    cosine = MIN_LR + (BASE_LR - MIN_LR) * (1 + np.cos(np.pi * steps / len(steps))) / 2
    return np.concatenate((np.linspace(0, BASE_LR, warmup), cosine))


def test_linear_warmup_from_zero_then_cosine_is_the_references():
    lrs = _lrs([dict(type='LinearWarmupLR', start_factor=0.0, by_epoch=True, begin=0, end=WARMUP),
                dict(type='CosineAnnealingLR', T_max=EPOCHS - WARMUP, eta_min=MIN_LR, by_epoch=True, begin=WARMUP,
                     end=EPOCHS)])
    warmup = WARMUP * EPOCH_LENGTH
    assert np.isfinite(lrs).all()
    assert lrs[0] == 0.0 and lrs[warmup - 1] == BASE_LR and lrs[warmup] == BASE_LR
    np.testing.assert_allclose(lrs[:warmup], _reference()[:warmup], rtol=1e-15, atol=0)
    np.testing.assert_allclose(lrs, _reference(), rtol=1e-12, atol=0)


def test_linear_warmup_matches_mmengines_linear_lr_where_that_works():
    cfg = dict(start_factor=1e-3, by_epoch=True, begin=0, end=2)
    np.testing.assert_allclose(_lrs([dict(type='LinearWarmupLR', **cfg)]), _lrs([dict(type='LinearLR', **cfg)]),
                               rtol=1e-12)


def test_mmengines_linear_lr_cannot_start_from_zero():
    """Why LinearWarmupLR exists: mmengine's chainable LinearLR divides by the start factor at its second step."""
    with pytest.raises(ZeroDivisionError):
        _lrs([dict(type='LinearLR', start_factor=0.0, by_epoch=True, begin=0, end=WARMUP)])
