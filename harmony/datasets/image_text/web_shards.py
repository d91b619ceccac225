"""Image-text pairs in WebDataset tar shards (what img2dataset writes for CC3M/CC12M/YFCC)."""
import random
from pathlib import Path

import webdataset as wds
from mmengine.dataset import Compose
from mmengine.dist import get_dist_info
from mmengine.logging import print_log
from torch.utils.data import IterableDataset, get_worker_info
from webdataset.shardlists import expand_urls

from harmony.registry import DATASETS
from ..bad_samples import BadSample, BadSampleLog
from ..pair_decoding import choose_caption, decode_image, json_fields

IMAGE_EXTENSIONS = ('jpg', 'jpeg', 'png', 'webp')


def shuffled(samples, buffer_size, rng):
    """Buffer shuffle of an iterator: each output is a random pick among the next `buffer_size` samples."""
    buffer = []
    for sample in samples:
        if len(buffer) < buffer_size:
            buffer.append(sample)
            continue
        index = rng.randrange(buffer_size)
        buffer[index], sample = sample, buffer[index]
        yield sample
    rng.shuffle(buffer)
    yield from buffer


@DATASETS.register_module()
class ImageTextShards(IterableDataset):
    """Tar shards of `<key>.jpg` + `<key>.txt` [+ `<key>.json`] members, read with the `webdataset` package.

    What an epoch is: `num_samples` samples over all ranks. The shard list is shuffled with `seed` + epoch (the
    same order on every rank), then dealt out: rank r takes every world_size-th shard, its data worker w every
    num_workers-th of those, so ranks and workers read disjoint shards and each sample is read once per epoch.
    Inside a worker, samples pass a seeded shuffle buffer. Each worker stops after its share of `num_samples`
    (its last partial batch is dropped by the DataLoader); if its shards hold fewer samples (bad ones skipped,
    uneven shards) it reads them again. Set `num_samples` to the count img2dataset reports for the download.

    Resume: the epoch number is restored, so a run resumed at an epoch boundary continues exactly; a run
    resumed mid-epoch reads that epoch again from its start (same shard order), unlike the map-style formats,
    which skip what was already consumed (DataPositionHook).

    Args:
        data_root: folder of the shards.
        shards: brace pattern(s) relative to `data_root`, e.g. 'cc3m-train-{0000..0575}.tar', or a list.
        num_samples: samples per epoch over all ranks.
        shuffle_buffer: samples in each worker's shuffle buffer.
        caption_keys: None: the `txt` member; a tuple of JSON fields: a random non-empty one from `json`.
        max_bad_fraction, min_samples, report_interval: see `BadSampleLog`.
    """

    def __init__(self, data_root, shards, num_samples, pipeline=(), shuffle_buffer=1000, seed=0, caption_keys=None,
                 max_bad_fraction=0.05, min_samples=1000, report_interval=60.0):
        patterns = [shards] if isinstance(shards, str) else list(shards)
        self.shards = [str(Path(data_root) / url) for pattern in patterns for url in expand_urls(pattern)]
        missing = [s for s in self.shards if not Path(s).is_file()]
        if missing:
            raise FileNotFoundError(f'{len(missing)} of {len(self.shards)} shards do not exist, e.g. {missing[:3]} '
                                    '(check data_root and the shards pattern)')
        if num_samples < 1:
            raise ValueError(f'num_samples must be positive, got {num_samples}')
        self.num_samples, self.shuffle_buffer, self.seed = num_samples, shuffle_buffer, seed
        self.caption_keys = tuple(caption_keys) if caption_keys else None
        self.pipeline = Compose(list(pipeline))
        self.bad_samples = BadSampleLog(type(self).__name__, max_bad_fraction, min_samples, report_interval)
        self.epoch = self._passes = 0
        print_log(f'{type(self).__name__}: {len(self.shards)} shards under {data_root}, {num_samples} samples per '
                  'epoch', logger='current')

    def set_epoch(self, epoch):
        """Called before each epoch (DataPositionHook): the shard order and shuffles depend on it."""
        self.epoch = epoch

    def __len__(self):
        """Samples per rank and epoch."""
        return self.num_samples // get_dist_info()[1]

    def worker_shards(self, epoch, rank, world_size, worker, num_workers):
        """The shards one data worker of one rank reads in `epoch`."""
        order = list(self.shards)
        random.Random(self.seed + epoch).shuffle(order)
        mine = order[rank::world_size][worker::num_workers]
        if not mine:
            raise ValueError(f'{len(self.shards)} shards cannot feed {world_size} ranks x {num_workers} data workers: '
                             'every worker needs at least one shard (use fewer workers or more, smaller shards)')
        return mine

    def __iter__(self):
        rank, world_size = get_dist_info()
        info = get_worker_info()
        worker, num_workers = (info.id, info.num_workers) if info else (0, 1)
        # set_epoch reaches this object in the main process and the copies that workers get at each epoch;
        # persistent workers keep their first copy, so there the passes it made count as epochs too.
        epoch = self.epoch
        if info:
            epoch += self._passes
            self._passes += 1
        per_rank = self.num_samples // world_size
        quota = per_rank // num_workers + (worker < per_rank % num_workers)
        shards = self.worker_shards(epoch, rank, world_size, worker, num_workers)
        rng = random.Random(f'{self.seed}-{epoch}-{rank}-{worker}')
        produced = 0
        while produced < quota:
            before = produced
            for sample in shuffled(self._pairs(shards), self.shuffle_buffer, rng):
                yield self.pipeline(sample)
                produced += 1
                if produced == quota:
                    return
            if produced == before:
                raise RuntimeError(f'{type(self).__name__}: shards {shards[:3]}... hold no usable sample')

    def _pairs(self, shards):
        """Decoded pairs of some shards, bad samples counted and skipped."""
        for key, result in self.decoded(shards):
            if isinstance(result, BadSample):
                self.bad_samples.record_bad(result, key)
            else:
                self.bad_samples.record_good()
                yield result

    def decoded(self, shards=None):
        """(key, pair dict or BadSample) for every sample of `shards` (default: all, in order), no pipeline."""
        corrupt = []

        def on_corrupt_shard(error):
            corrupt.append(BadSample('corrupt shard', str(error)[:200]))
            return True

        for sample in wds.tarfile_samples([dict(url=s) for s in shards or self.shards], handler=on_corrupt_shard):
            while corrupt:
                yield 'shard', corrupt.pop()
            key = f'{sample.get("__url__")}:{sample.get("__key__")}'
            try:
                image = next((sample[ext] for ext in IMAGE_EXTENSIONS if ext in sample), None)
                if self.caption_keys:
                    captions = json_fields(sample.get('json'), self.caption_keys)
                else:
                    captions = [sample.get('txt')]
                yield key, dict(key=key, img=decode_image(image), caption=choose_caption(captions))
            except BadSample as error:
                yield key, error
        while corrupt:
            yield 'shard', corrupt.pop()
