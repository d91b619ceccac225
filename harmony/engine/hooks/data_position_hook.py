"""Keeps the training data position in step with the run: epoch-seeded web shards, mid-epoch resume."""
from mmengine.hooks import Hook

from harmony.registry import HOOKS


@HOOKS.register_module()
class DataPositionHook(Hook):
    """Before each epoch, give the training dataset its epoch (`set_epoch`, for the WebDataset shards, whose
    order depends on it). After a resume from a mid-epoch checkpoint, make a `ResumableSampler` skip the samples
    that the interrupted run already consumed in that epoch; other samplers and the shards restart the epoch
    (logged)."""

    priority = 'NORMAL'

    def before_train(self, runner):
        loader = runner.train_dataloader
        done = runner.iter - runner.epoch * len(loader)
        if not 0 < done < len(loader):
            return
        if hasattr(loader.sampler, 'skip'):
            loader.sampler.skip(done * loader.batch_size)
            runner.logger.info(f'resumed mid-epoch: epoch {runner.epoch + 1} continues after its first {done} '
                               'batches')
        else:
            runner.logger.warning(f'resumed mid-epoch: epoch {runner.epoch + 1} restarts from its beginning '
                                  f'({done} batches were already read; {type(loader.sampler).__name__} cannot skip)')

    def before_train_epoch(self, runner):
        dataset = runner.train_dataloader.dataset
        if hasattr(dataset, 'set_epoch'):
            dataset.set_epoch(runner.epoch)
