"""DINO's per-parameter gradient clipping (`clip_gradients` of the reference code) for mmengine optimiser wrappers."""
import torch
from mmengine.dist import get_rank
from mmengine.logging import print_log
from torch.distributed.fsdp import FullyShardedDataParallel

from harmony.registry import OPTIM_WRAPPER_CONSTRUCTORS
from .quiet_constructor import QuietOptimWrapperConstructor


def clip_per_parameter(params, max_norm):
    """Scales each gradient by max_norm / (its 2-norm + 1e-6) where that is below 1, one parameter at a time (DINO's
    `clip_gradients`, without its host syncs); -> the 2-norm of all these gradients before clipping (None when
    none has one)."""
    norms = []
    for param in params:
        if param.grad is not None:
            norm = param.grad.norm(2)
            coef = max_norm / (norm + 1e-6)
            param.grad.mul_(torch.where(coef < 1, coef, 1.0))
            norms.append(norm)
    return torch.linalg.vector_norm(torch.stack(norms)) if norms else None


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class PerParameterClipOptimWrapperConstructor(QuietOptimWrapperConstructor):
    """mmengine's default constructor (paramwise_cfg as usual, logged in one line: `QuietOptimWrapperConstructor`),
    whose wrapper clips the gradients one parameter at a time: each trainable parameter whose name starts with one
    of `clip_prefixes` by `clip_per_parameter`, the others not at all. For `OptimWrapper` and `AmpOptimWrapper`
    (which unscales the gradients before clipping); the logged `grad_norm` is that of the clipped parameters before
    clipping. Refused under FSDP (flat parameters have no per-parameter gradients).

    optim_wrapper keys (besides the wrapper's own):
        constructor: 'PerParameterClipOptimWrapperConstructor'.
        clip_grad: dict(max_norm=...), nothing else.
        clip_prefixes: parameter-name prefixes, e.g. ('backbone.', 'image_projection.', 'ibot_head.') for the
            image student of Harmony (the reference's); each must match a trainable parameter.
    """

    def __init__(self, optim_wrapper_cfg, paramwise_cfg=None):
        optim_wrapper_cfg = dict(optim_wrapper_cfg)
        prefixes = optim_wrapper_cfg.pop('clip_prefixes', None)
        if not prefixes:
            raise ValueError("PerParameterClipOptimWrapperConstructor needs optim_wrapper.clip_prefixes, the "
                             "name prefixes of the parameters to clip, e.g. ('backbone.', 'image_projection.', "
                             "'ibot_head.')")
        clip_grad = optim_wrapper_cfg.get('clip_grad')
        if not isinstance(clip_grad, dict) or set(clip_grad) != {'max_norm'}:
            raise ValueError(f'PerParameterClipOptimWrapperConstructor needs optim_wrapper.clip_grad='
                             f'dict(max_norm=...) and nothing else, got {clip_grad!r}')
        self.clip_prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
        super().__init__(optim_wrapper_cfg, paramwise_cfg)

    def __call__(self, model):
        if any(isinstance(m, FullyShardedDataParallel) for m in model.modules()):
            raise ValueError('per-parameter gradient clipping (PerParameterClipOptimWrapperConstructor) does not '
                             'work under FSDP, whose flat parameters mix many parameters: remove '
                             'optim_wrapper.constructor and optim_wrapper.clip_prefixes (global-norm clip_grad)')
        wrapper = super().__call__(model)
        module = model.module if hasattr(model, 'module') else model
        named = [(name, param) for name, param in module.named_parameters() if param.requires_grad]
        matched = {prefix: [name for name, _ in named if name.startswith(prefix)] for prefix in self.clip_prefixes}
        unmatched = [prefix for prefix, names in matched.items() if not names]
        if unmatched:
            tops = sorted({name.split('.')[0] + '.' for name, _ in named})
            raise ValueError(f'optim_wrapper.clip_prefixes {unmatched} match no trainable parameter of '
                             f'{type(module).__name__} (its trainable parameters start with {tops})')
        params = [param for name, param in named if name.startswith(self.clip_prefixes)]
        wrapper.clip_func = lambda _, max_norm: clip_per_parameter(params, max_norm)
        if get_rank() == 0:
            unclipped = sorted({name.split('.')[0] for name, _ in named if not name.startswith(self.clip_prefixes)})
            print_log(f'per-parameter gradient clipping (max_norm {wrapper.clip_grad_kwargs["max_norm"]}) of '
                      f'{len(params)} of {len(named)} trainable tensors: '
                      + ', '.join(f'{prefix}* ({len(names)})' for prefix, names in matched.items())
                      + f'; not clipped: {", ".join(unclipped) or "none"}', logger='current')
        return wrapper
