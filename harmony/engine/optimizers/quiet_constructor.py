"""mmengine's default optimiser constructor, logging one summary line instead of one line per parameter."""
import logging
from collections import Counter
from contextlib import contextmanager

from mmengine.dist import get_rank
from mmengine.logging import MMLogger, print_log
from mmengine.optim import DefaultOptimWrapperConstructor

from harmony.registry import OPTIM_WRAPPER_CONSTRUCTORS

SKIPPED = 'is skipped since its requires_grad=False'


class _PerParameterRecords(logging.Filter):
    """Drops the two records mmengine's `add_params` writes per parameter: its options, or its being frozen."""

    def filter(self, record):
        message = record.getMessage()
        return not (message.startswith('paramwise_options -- ') or message.endswith(SKIPPED))


@contextmanager
def without_per_parameter_records():
    """The current mmengine logger without the per-parameter records of `DefaultOptimWrapperConstructor`."""
    logger, records = MMLogger.get_current_instance(), _PerParameterRecords()
    logger.addFilter(records)
    try:
        yield
    finally:
        logger.removeFilter(records)


def describe_parameters(module, optimizer):
    """One line: the optimised tensors by (lr, weight decay) of their groups, the frozen ones by top-level module."""
    settings, tensors, values = Counter(), 0, 0
    for group in optimizer.param_groups:
        settings[f'lr {group["lr"]:g}, weight decay {group.get("weight_decay", 0):g}'] += len(group['params'])
        tensors += len(group['params'])
        values += sum(param.numel() for param in group['params'])
    frozen = Counter(name.split('.')[0] for name, param in module.named_parameters() if not param.requires_grad)
    return (f'{type(optimizer).__name__} optimises {tensors} tensors ({values / 1e6:.2f}M values): '
            + ', '.join(f'{count} at {setting}' for setting, count in settings.items())
            + '; frozen (requires_grad=False), not optimised: '
            + (', '.join(f'{name}.* ({count})' for name, count in frozen.items()) or 'none'))


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class QuietOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """mmengine's `DefaultOptimWrapperConstructor` (the same parameter groups in the same order), whose log is
    one line (`describe_parameters`) instead of a line for every parameter that `paramwise_cfg` reaches and a
    warning for every frozen one (hundreds for Harmony, whose EMA teachers are frozen)."""

    def __call__(self, model):
        with without_per_parameter_records():
            wrapper = super().__call__(model)
        if get_rank() == 0:
            module = model.module if hasattr(model, 'module') else model
            print_log(describe_parameters(module, wrapper.optimizer), logger='current')
        return wrapper
