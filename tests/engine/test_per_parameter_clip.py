"""Per-parameter gradient clipping (DINO's clip_gradients) of the chosen parameters only, with and without AMP."""
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from torch import nn
from torch.distributed.fsdp import FullyShardedDataParallel

import tests.tools.cpu_amp  # noqa: F401  (registers CPUAmpOptimWrapper)
from harmony.engine.optimizers import clip_per_parameter

PREFIXES = ('backbone.', 'image_projection.', 'ibot_head.')
MAX_NORM = 3.0


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(4, 4), nn.LayerNorm(4))
        self.image_projection = nn.Linear(4, 2, bias=False)
        self.ibot_head = nn.Linear(4, 3)
        self.text_encoder = nn.Linear(4, 4)
        self.teacher = nn.Linear(4, 4).requires_grad_(False)


def _wrapper(model, **kwargs):
    cfg = dict(dict(constructor='PerParameterClipOptimWrapperConstructor', optimizer=dict(type='SGD', lr=0.1),
                    clip_grad=dict(max_norm=MAX_NORM), clip_prefixes=PREFIXES), **kwargs)
    with DefaultScope.overwrite_default_scope('harmony'):
        return build_optim_wrapper(model, cfg)


def _gradients(model):
    """Gradient of each trainable parameter: some 2-norms above MAX_NORM, some below."""
    generator = torch.Generator().manual_seed(0)
    return {name: torch.randn(p.shape, generator=generator) * (4.0 if i % 2 else 0.2)
            for i, (name, p) in enumerate(model.named_parameters()) if p.requires_grad}


def _reference_clip(grad):
    grad = grad.clone()
    coef = MAX_NORM / (grad.norm(2) + 1e-6)
    if coef < 1:
        grad.mul_(coef)
    return grad


def _step(model, wrapper):
    """Backward of a loss whose gradient is `_gradients` (times the loss scale under AMP), then the wrapper's
    step; -> the gradients the optimiser saw."""
    grads = _gradients(model)
    params = dict(model.named_parameters())
    wrapper.backward(sum((params[name] * grad).sum() for name, grad in grads.items()))
    wrapper.step()
    return grads, {name: params[name].grad for name in grads}


def test_clip_per_parameter_is_dinos_clip_gradients():
    grads = [torch.tensor([3.0, 4.0]), torch.tensor([0.3, 0.4]), torch.tensor([float('nan'), 1.0])]
    params = [nn.Parameter(torch.zeros(2)) for _ in range(4)]  # the last without a gradient
    for param, grad in zip(params, grads):
        param.grad = grad.clone()
    total = clip_per_parameter(params, max_norm=1.0)
    assert torch.equal(params[0].grad, grads[0] * (1.0 / (torch.tensor(5.0) + 1e-6)))
    assert torch.equal(params[1].grad, grads[1])  # below max_norm: untouched
    torch.testing.assert_close(params[2].grad, grads[2], rtol=0, atol=0, equal_nan=True)  # NaN norm: untouched
    assert params[3].grad is None and total.isnan()
    assert float(clip_per_parameter(params[:2], max_norm=1.0)) == pytest.approx((1.0 + 0.25) ** 0.5, rel=1e-5)


@pytest.mark.parametrize('amp', [False, True])
def test_matching_gradients_are_clipped_one_by_one_the_others_not(amp):
    model = Student()
    wrapper = _wrapper(model, **(dict(type='CPUAmpOptimWrapper', loss_scale=1024.0) if amp else {}))
    grads, stepped = _step(model, wrapper)
    clipped = [name for name in grads if name.startswith(PREFIXES)]
    assert len(clipped) == 7 and len(grads) == 9
    assert any(g.norm() > MAX_NORM for n, g in grads.items() if n in clipped)
    assert any(g.norm() < MAX_NORM for n, g in grads.items() if n in clipped)
    for name, grad in grads.items():  # AMP: unscaled (by a power of two: exactly) before clipping
        assert torch.equal(stepped[name], _reference_clip(grad) if name in clipped else grad), name
    assert any(g.norm() > MAX_NORM for n, g in grads.items() if n.startswith('text_encoder.'))
    total = torch.linalg.vector_norm(torch.stack([grads[n].norm() for n in clipped]))
    assert MessageHub.get_current_instance().get_scalar('train/grad_norm').current() == pytest.approx(float(total))


def test_prefixes_matching_no_trainable_parameter_are_refused():
    with pytest.raises(ValueError, match=r"clip_prefixes \['teacher.', 'img_proj.'\] match no trainable parameter "
                                         r"of Student \(its trainable parameters start with \['backbone.', "
                                         r"'ibot_head.', 'image_projection.', 'text_encoder.'\]\)"):
        _wrapper(Student(), clip_prefixes=('backbone.', 'teacher.', 'img_proj.'))


@pytest.mark.parametrize('cfg,message', [
    (dict(clip_prefixes=None), 'needs optim_wrapper.clip_prefixes'),
    (dict(clip_grad=dict(max_norm=3.0, norm_type=1)), r'needs optim_wrapper.clip_grad=dict\(max_norm=...\) and '
                                                      r"nothing else, got \{'max_norm': 3.0, 'norm_type': 1\}"),
    (dict(clip_grad=None), 'needs optim_wrapper.clip_grad'),
])
def test_incomplete_configs_are_refused(cfg, message):
    with pytest.raises(ValueError, match=message):
        _wrapper(Student(), **cfg)


def test_fsdp_is_refused():
    model = Student()
    sharded = FullyShardedDataParallel.__new__(FullyShardedDataParallel)  # an FSDP unit, without a process group
    nn.Module.__init__(sharded)
    model.text_encoder = sharded
    with pytest.raises(ValueError, match='does not work under FSDP'):
        _wrapper(model)
