"""The run's randomness as a function of its seed and position, so that an interrupted run resumes exactly."""
from mmengine.dist import broadcast_object_list
from mmengine.hooks import Hook

from harmony.registry import HOOKS
from harmony.utils.keyed_seeds import seed_generators


@HOOKS.register_module()
class KeyedRandomnessHook(Hook):
    """Draws of iteration t come from generators seeded by (run seed, t); data augmentation from (seed, epoch,
    sample index) (`harmony.datasets.sample_randomness`).

    A resumed run therefore draws what the uninterrupted run drew (drop path in the model, crops and masks in
    the data), whatever happened in between (evaluation loops, loader iterators, a different number of data
    workers), without storing generator states in the checkpoint. The model's seed is per rank (the runner's,
    with `diff_rank_seed`); the data's is rank 0's on every rank, so a sample looks the same on any rank.
    mmengine restores the run's seed from the checkpoint before `before_train`.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner):
        dataset = runner.train_dataloader.dataset
        if hasattr(dataset, 'augment_seed'):
            seed = [runner.seed]
            broadcast_object_list(seed)
            dataset.augment_seed = seed[0]

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        seed_generators(runner.seed, runner.iter)
