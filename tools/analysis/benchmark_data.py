"""Data-loading throughput of a pre-training config: can the workers keep up with the GPUs?

    python tools/analysis/benchmark_data.py CONFIG [--shards DIR [--write-shards N [--source FOLDER]]]
                                                   [--workers N] [--batches N] [--target SAMPLES_PER_S]

1. Per step, in this process, for both places of the photometric augmentation (`MultiCrop(photometric=...)`:
   'worker', every op crop by crop in the data worker; 'device', the worker crops and the data preprocessor
   augments the batch): mean ms per sample of reading + decoding and of each pipeline transform over --samples
   samples, and the samples/s one worker reaches.
2. The device part of the 'device' path (`augmented_crops` of a batch of the pipeline's crops): ms per sample on
   this machine's CPU and, when present, on CUDA; its memory traffic (bytes every op reads and writes, counted
   with a dispatch mode) and the GPU time that traffic takes at --bandwidth TB/s, as a share of the GPU step at
   --target; the host->device bytes of one packed sample.
3. Workers per GPU needed at --target samples/s per GPU (default 1,860: ViT-S/16 at 40 % bf16 MFU on an H100,
   docs/en/performance.md), for both paths.
4. The configured DataLoader with N workers (default: the config's): samples/s over --batches batches.

--shards DIR reads WebDataset shards (`DIR/*.tar`) instead of the config's dataset, with the config's pipeline.
With --write-shards N, N pairs are first written there as img2dataset writes CC3M (short side 256, JPEG quality
95) when DIR holds no shards yet: the demo world drawn at 256 px, or the images of --source FOLDER (captions from
`<stem>.txt` beside them).
"""
import argparse
import copy
import tarfile
import time
from collections import Counter
from itertools import islice
from pathlib import Path

import harmony  # noqa: F401  registries (first: it quiets import-time warnings)
import torch
from mmengine.config import DictAction
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from torch.utils._pytree import tree_flatten
from torch.utils._python_dispatch import TorchDispatchMode

from harmony.datasets import BadSample
from harmony.datasets.collate import collate_pretraining
from harmony.datasets.image_text.jpeg_shards import folder_pairs, write_jpeg_shards
from harmony.datasets.photometric import augmented_crops
from harmony.demo.generate import scene_pairs
from harmony.engine.runner_setup import load_config
from harmony.registry import DATASETS

PLACES = ('worker', 'device')


def per_transform(dataset, samples):
    """-> ({step: ms per sample}, packed samples): reading and decoding, then each pipeline transform, timed here."""
    timings, packed, decoded = Counter(), [], dataset.decoded()
    while len(packed) < samples:
        begin = time.perf_counter()
        item = next(decoded, None)
        timings['read + decode'] += time.perf_counter() - begin
        if item is None:
            break
        results = item[1]
        if isinstance(results, BadSample):
            continue
        for transform in dataset.pipeline.transforms:
            begin = time.perf_counter()
            results = transform(results)
            timings[type(transform).__name__] += time.perf_counter() - begin
        packed.append(results)
    return {name: 1000 * seconds / max(len(packed), 1) for name, seconds in timings.items()}, packed


def device_ms_per_sample(batch, device, repeats=3):
    """Mean ms per sample of the photometric augmentation of `batch`'s crops on `device` (best of `repeats`)."""
    on_device = batch.replace(**{name: getattr(batch, name).to(device) for name in ('global_crops', 'local_crops')
                                 if getattr(batch, name) is not None})
    best = float('inf')
    for _ in range(repeats + 1):  # the first run warms up (kernels, allocator)
        if device.type == 'cuda':
            torch.cuda.synchronize(device)
        begin = time.perf_counter()
        augmented_crops(on_device)
        if device.type == 'cuda':
            torch.cuda.synchronize(device)
        best = min(best, time.perf_counter() - begin)
    return 1000 * best / batch.batch_size


ROW_MOVES = (torch.ops.aten.index_select.default, torch.ops.aten.index_copy_.default)


class TensorTraffic(TorchDispatchMode):
    """Bytes each op reads and writes (its tensor inputs and outputs; views move nothing; a row gather or scatter
    moves only its rows): the memory traffic of running these ops unfused, one kernel each, as eager PyTorch does
    on a GPU."""

    def __init__(self):
        super().__init__()
        self.bytes = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if func.is_view:
            return out
        if func in ROW_MOVES:  # index_select(source, 0, index) -> rows; index_copy_(target, 0, index, rows)
            rows = out if func is torch.ops.aten.index_select.default else args[3]
            self.bytes += 2 * rows.numel() * rows.element_size()
            return out
        tensors = [t for t in tree_flatten((args, kwargs, out))[0] if isinstance(t, torch.Tensor)]
        self.bytes += sum(t.numel() * t.element_size() for t in tensors)
        return out


def device_traffic_per_sample(batch):
    """Bytes per sample that the device part reads and writes (uint8 crops to float, augmentation)."""
    with TensorTraffic() as traffic:
        augmented_crops(batch)
    return traffic.bytes / batch.batch_size


def sample_bytes(sample):
    """Host->device bytes of one packed sample (what collation stacks and the preprocessor moves)."""
    fields = vars(sample['inputs']).values()
    return sum(value.numel() * value.element_size() for value in fields if isinstance(value, torch.Tensor))


def with_photometric(dataset_cfg, place):
    cfg = copy.deepcopy(dataset_cfg)
    steps = [step for step in cfg.pipeline if str(step['type']).split('.')[-1] == 'MultiCrop']
    if not steps:
        raise ValueError('the config\'s training pipeline has no MultiCrop step: nothing to compare')
    steps[0]['photometric'] = place
    return cfg


def shards_dataset(dataset_cfg, shard_dir):
    shards = sorted(Path(shard_dir).glob('*.tar'))
    if not shards:
        raise FileNotFoundError(f'no *.tar shards in {shard_dir}: add --write-shards N to write them first')
    count = 0
    for shard in shards:
        with tarfile.open(shard) as tar:
            count += sum(name.endswith('.jpg') for name in tar.getnames())
    return dict(type='ImageTextShards', data_root=str(shard_dir), shards=[shard.name for shard in shards],
                num_samples=count, shuffle_buffer=1, pipeline=dataset_cfg.pipeline)


def write_shards_once(shard_dir, count, source):
    if any(Path(shard_dir).glob('*.tar')):
        print(f'{shard_dir} already holds shards: measuring those (delete them to write new ones)')
        return
    pairs = folder_pairs(source) if source else scene_pairs(count, image_size=256)
    begin = time.perf_counter()
    written = write_jpeg_shards(pairs, shard_dir, count, samples_per_shard=100)  # enough shards for the workers
    print(f'wrote {written} pairs to {shard_dir} (short side 256, JPEG quality 95, 100 per shard) in '
          f'{time.perf_counter() - begin:.0f} s')


def markdown_table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    return '\n'.join(lines + ['| ' + ' | '.join(row) + ' |' for row in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--shards', metavar='DIR', help='measure on the WebDataset shards in DIR')
    parser.add_argument('--write-shards', type=int, metavar='N', help='write N pairs to --shards DIR first')
    parser.add_argument('--source', metavar='FOLDER', help='images for --write-shards (default: the demo world)')
    parser.add_argument('--samples', type=int, default=32, help='samples timed per path (default 32)')
    parser.add_argument('--workers', type=int, help='DataLoader workers (default: the config)')
    parser.add_argument('--batches', type=int, default=20)
    parser.add_argument('--target', type=float, default=1860.0, help='samples/s one GPU takes (default 1860)')
    parser.add_argument('--bandwidth', type=float, default=3.35,
                        help='GPU memory bandwidth in TB/s for the estimate (default 3.35: H100 SXM)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    if (args.write_shards or args.source) and not args.shards:
        parser.error('--write-shards and --source need --shards DIR (where the shards go)')
    cfg = load_config(args.config, args.cfg_options)
    loader_cfg = cfg.train_dataloader
    if args.shards:
        if args.write_shards:
            write_shards_once(args.shards, args.write_shards, args.source)
        loader_cfg.dataset = shards_dataset(loader_cfg.dataset, args.shards)
        loader_cfg.sampler = None
    if args.workers is not None:
        loader_cfg.num_workers = args.workers
        loader_cfg.persistent_workers = args.workers > 0

    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'harmony')):
        measured = {place: per_transform(DATASETS.build(with_photometric(loader_cfg.dataset, place)), args.samples)
                    for place in PLACES}
        loader = Runner.build_dataloader(loader_cfg, seed=0)
    steps = list(dict.fromkeys(name for timings, _ in measured.values() for name in timings))
    worker_ms = {place: sum(timings.values()) for place, (timings, _) in measured.items()}
    print(f'Per sample, one process ({args.samples} samples each):\n')
    print(markdown_table(['step', 'ms, photometric in the worker', 'ms, photometric on the device'],
                         [[name] + [f'{measured[place][0].get(name, 0.0):.1f}' for place in PLACES] for name in steps]
                         + [['**one worker**'] + [f'{worker_ms[p]:.1f} ms = **{1000 / worker_ms[p]:.0f} samples/s**'
                                                  for p in PLACES]]))

    device_samples = measured['device'][1]
    batch = collate_pretraining(device_samples)['inputs']
    devices = [torch.device('cpu')] + ([torch.device('cuda')] if torch.cuda.is_available() else [])
    device_ms = {device.type: device_ms_per_sample(batch, device) for device in devices}
    bytes_per_sample = {place: sample_bytes(measured[place][1][0]) for place in PLACES}
    traffic = device_traffic_per_sample(batch)
    gpu_us = 1e6 * traffic / (args.bandwidth * 1e12)
    print(f'\nDevice part of the device path (batch of {batch.batch_size}): '
          + ', '.join(f'{ms:.2f} ms per sample on {name}' for name, ms in device_ms.items())
          + f'; memory traffic {traffic / 1e6:.1f} MB per sample, i.e. ~{gpu_us:.0f} us per sample at '
          f'{args.bandwidth} TB/s = {gpu_us * args.target / 1e4:.1f} % of a GPU step at {args.target:.0f} samples/s '
          '(elementwise ops: their time is their memory traffic)')
    print(f'Host->device bytes per sample: worker path {bytes_per_sample["worker"] / 1e3:.0f} kB, device path '
          f'{bytes_per_sample["device"] / 1e3:.0f} kB')
    speedup = worker_ms['worker'] / worker_ms['device']
    print(f'\nWorkers per GPU at {args.target:.0f} samples/s: '
          + ', '.join(f'{place} path {args.target * worker_ms[place] / 1000:.0f}' for place in PLACES)
          + f' (the device path is {speedup:.1f}x faster per worker)')

    batches = iter(loader)
    next(batches)  # workers start, first batch
    start = time.perf_counter()
    count = sum(batch['inputs'].batch_size for batch in islice(batches, args.batches))
    seconds = time.perf_counter() - start
    workers = loader_cfg.num_workers
    print(f'\nDataLoader as configured, {workers} workers, batch {loader_cfg.batch_size}: {count} samples in '
          f'{seconds:.1f} s = **{count / seconds:.0f} samples/s** ({count / seconds / max(workers, 1):.0f} per worker)')


if __name__ == '__main__':
    main()
