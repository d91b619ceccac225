"""Data-loading throughput of a pre-training config: can the workers keep up with the GPUs?

    python tools/analysis/benchmark_data.py CONFIG [--workers N] [--batches N] [--cfg-options k=v ...]

1. Per transform, in this process: mean milliseconds per sample of decoding and of each pipeline step
   (multi-crop, masks, tokenisation, packing) over 32 samples, and the samples/s one worker process reaches.
2. The configured DataLoader with N workers (default: the config's): samples/s over --batches batches after one
   warm-up batch. Compare with the training step's samples/s (tools/analysis/benchmark.py) per GPU.
"""
import argparse
import time
from collections import Counter
from itertools import islice

import harmony  # noqa: F401  registries (first: it quiets import-time warnings)
from mmengine.config import DictAction
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from harmony.datasets import BadSample
from harmony.engine.runner_setup import load_config
from harmony.registry import DATASETS


def per_transform(dataset, samples=32):
    """-> {step: ms per sample}: reading and decoding, then each pipeline transform, timed in this process."""
    timings, done, decoded = Counter(), 0, dataset.decoded()
    while done < samples:
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
        done += 1
    return {name: 1000 * seconds / max(done, 1) for name, seconds in timings.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--workers', type=int, help='DataLoader workers (default: the config)')
    parser.add_argument('--batches', type=int, default=20)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options)
    loader_cfg = cfg.train_dataloader
    if args.workers is not None:
        loader_cfg.num_workers = args.workers
        loader_cfg.persistent_workers = args.workers > 0
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'harmony')):
        dataset = DATASETS.build(loader_cfg.dataset)
        steps = per_transform(dataset)
        loader = Runner.build_dataloader(loader_cfg, seed=0)
    total = sum(steps.values())
    print('| step | ms per sample |\n|---|---|')
    for name, ms in steps.items():
        print(f'| {name} | {ms:.1f} |')
    print(f'| **one worker** | {total:.1f} ms = **{1000 / total:.0f} samples/s** |')

    batches = iter(loader)
    next(batches)  # workers start, first batch
    start = time.perf_counter()
    count = sum(batch['inputs'].batch_size for batch in islice(batches, args.batches))
    seconds = time.perf_counter() - start
    workers = loader_cfg.num_workers
    print(f'\nDataLoader, {workers} workers, batch {loader_cfg.batch_size}: {count} samples in {seconds:.1f} s = '
          f'**{count / seconds:.0f} samples/s** ({count / seconds / max(workers, 1):.0f} per worker)')


if __name__ == '__main__':
    main()
