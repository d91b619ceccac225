"""Builds the zero-shot text classifier once before each evaluation (the towers change during training)."""
from contextlib import nullcontext

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from harmony.models.algorithms.clip_evaluation import resolve_classnames, resolve_templates
from harmony.registry import HOOKS


@HOOKS.register_module()
class ZeroShotHook(Hook):
    """Before every validation and test epoch, embeds the prompts of every class with the model's evaluated text
    tower and caches the class prototypes in the model (`Harmony.set_zero_shot_classes`); logs which weights
    (EMA teacher or student) and how many classes and prompts.

    Args:
        classnames: None (the evaluation dataset's `metainfo['classes']`), 'imagenet' (open_clip's 1000 names),
            a class-name file (one per line, label order) or a list.
        templates: 'openai' (80 prompts), 'simple' (SLIP's 7) or a list of format strings ('a photo of a {}.').
    """

    priority = 'NORMAL'

    def __init__(self, classnames=None, templates='openai'):
        self.classnames, self.templates = classnames, resolve_templates(templates)

    def before_val_epoch(self, runner):
        self._prepare(runner, runner.val_dataloader)

    def before_test_epoch(self, runner):
        self._prepare(runner, runner.test_dataloader)

    def _prepare(self, runner, loader):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        classes = resolve_classnames(self.classnames, loader.dataset.metainfo.get('classes'))
        gathered = getattr(runner.model, 'full_parameters', nullcontext)  # FSDP: the text tower is sharded
        with gathered():
            towers = model.set_zero_shot_classes(classes, self.templates)
        runner.logger.info(f'zero-shot classifier: {len(classes)} classes x {len(self.templates)} prompts, '
                           f'weights evaluated: {towers}')
