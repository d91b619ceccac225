"""Keeps the training data position in step with the run: epoch-seeded web shards, mid-epoch resume."""
from mmengine.hooks import Hook

from harmony.registry import HOOKS


@HOOKS.register_module()
class DataPositionHook(Hook):
    """Before each epoch, give the training dataset its epoch (`set_epoch`: the WebDataset shards' order and the
    map-style datasets' per-sample augmentation depend on it). After a resume from a checkpoint saved by
    iteration, continue where the run stopped: mid-epoch, a `ResumableSampler` skips the samples that the
    interrupted run already consumed in that epoch (other samplers and the shards restart the epoch, logged); at
    the last iteration of an epoch (saved before mmengine's epoch counter moves on), the next epoch starts —
    mmengine's epoch loop would otherwise train that whole epoch again."""

    priority = 'NORMAL'

    def before_train(self, runner):
        loader = runner.train_dataloader
        done = runner.iter - runner.epoch * len(loader)
        if done == len(loader) and done > 0:
            runner.train_loop._epoch += 1  # the loop's own counter (mmengine has no setter)
            runner.logger.info(f'resumed at the end of epoch {runner.epoch}: continuing with epoch '
                               f'{runner.epoch + 1} (the evaluation after epoch {runner.epoch} is not repeated)')
            return
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
