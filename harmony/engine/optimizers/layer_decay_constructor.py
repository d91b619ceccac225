"""Layer-wise learning-rate decay for any model whose backbone has `get_layer_depth` (BEiT / MAE fine-tuning)."""
from mmengine.dist import get_rank
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.optim import DefaultOptimWrapperConstructor

from harmony.registry import OPTIM_WRAPPER_CONSTRUCTORS


def find_layer_depth(model):
    """`(name) -> (depth, num_depths)` from the model's or its backbone's `get_layer_depth`."""
    if hasattr(model, 'get_layer_depth'):
        return model.get_layer_depth
    backbone = getattr(model, 'backbone', None)
    if backbone is not None and hasattr(backbone, 'get_layer_depth'):
        return lambda name: backbone.get_layer_depth(name, prefix='backbone.')
    raise TypeError(f'{type(model).__name__} has no get_layer_depth, nor a backbone with one '
                    f'(backbone: {type(backbone).__name__}); layer-wise lr decay needs e.g. harmony.HarmonyViT')


def no_decay_names(model):
    """Full parameter names listed by `no_weight_decay()` of the model or of its backbone."""
    names = set(model.no_weight_decay()) if hasattr(model, 'no_weight_decay') else set()
    backbone = getattr(model, 'backbone', None)
    if backbone is not None and hasattr(backbone, 'no_weight_decay'):
        names |= {f'backbone.{n}' for n in backbone.no_weight_decay()}
    return names


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """lr of depth d = base lr × layer_decay_rate ** (num_depths - 1 - d); no weight decay on norms, biases,
    position embedding and tokens. Works for mmseg, mmdet and mmpretrain models alike.

    paramwise_cfg:
        layer_decay_rate (float): e.g. 0.65 for ViT-B fine-tuning, 0.9 for ViT-S segmentation.
        custom_keys (dict): substring -> dict(lr_mult=, decay_mult=), applied on top (longest key wins).
    """

    def add_params(self, params, module, **kwargs):
        if is_model_wrapper(module):
            module = module.module
        rate = self.paramwise_cfg.get('layer_decay_rate')
        if rate is None:
            raise KeyError('LayerDecayOptimWrapperConstructor needs paramwise_cfg.layer_decay_rate')
        depth_of = find_layer_depth(module)
        no_decay = no_decay_names(module)
        custom_keys = self.paramwise_cfg.get('custom_keys', {})
        groups = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            depth, num_depths = depth_of(name)
            decays = not (param.ndim == 1 or name.endswith('.bias') or name in no_decay)
            lr_mult, decay_mult = rate ** (num_depths - 1 - depth), 1.0 if decays else 0.0
            matched = next((k for k in sorted(custom_keys, key=len, reverse=True) if k in name), None)
            if matched is not None:
                lr_mult *= custom_keys[matched].get('lr_mult', 1.0)
                decay_mult *= custom_keys[matched].get('decay_mult', 1.0)
            key = (depth, lr_mult, decay_mult)
            if key not in groups:
                groups[key] = dict(params=[], names=[], lr=self.base_lr * lr_mult,
                                   weight_decay=(self.base_wd or 0.0) * decay_mult)
            groups[key]['params'].append(param)
            groups[key]['names'].append(name)
        for (depth, lr_mult, decay_mult), group in sorted(groups.items()):
            names = group.pop('names')
            params.append(group)
            if get_rank() == 0:
                print_log(f'layer decay group: depth {depth}, lr x{lr_mult:.4g}, weight decay x{decay_mult:g}, '
                          f'{len(names)} tensors ({", ".join(names[:3])}{", ..." if len(names) > 3 else ""})',
                          logger='current')
