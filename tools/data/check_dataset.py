"""Walk the training set of a config and report what it holds, before a long run depends on it.

    python tools/data/check_dataset.py CONFIG [--limit N] [--out report.json] [--cfg-options k=v ...]

Reads every sample of `train_dataloader.dataset` (any of the three formats) in one process, with a progress bar,
without the augmentation pipeline; prints (and writes with --out) the number of pairs, the bad samples by reason
with the first offending keys, a histogram of caption lengths in BPE tokens and image size statistics.
Exits with status 1 when a bad fraction above the dataset's max_bad_fraction would stop training.
"""
import argparse
import json
import sys
from itertools import islice

import harmony  # noqa: F401  registries (first: it quiets import-time warnings)
from mmengine.config import DictAction
from mmengine.registry import DefaultScope

from harmony.datasets import DatasetReport
from harmony.engine.runner_setup import load_config
from harmony.registry import DATASETS
from harmony.utils.progress import progress_bar


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--limit', type=int, help='check only the first N samples')
    parser.add_argument('--out', help='write the report as JSON here')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options)
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'harmony')):
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
    size = min(len(dataset), args.limit) if args.limit else len(dataset)  # shards: the declared num_samples
    report, progress = DatasetReport(), progress_bar(size, 'samples: ')
    for key, result in islice(dataset.decoded(), args.limit):
        report.add(key, result)
        progress.update()
    summary = report.summary()
    print('\n' + json.dumps(summary, indent=2))
    if args.out:
        with open(args.out, 'w') as file:
            json.dump(summary, file, indent=2)
    if summary['bad_fraction'] > dataset.bad_samples.max_bad_fraction:
        sys.exit(f'error: {summary["bad"]} of {summary["samples"]} samples are bad, above max_bad_fraction='
                 f'{dataset.bad_samples.max_bad_fraction}: training would stop')


if __name__ == '__main__':
    main()
