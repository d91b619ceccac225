"""Evaluate a checkpoint with any mmengine config's test loop and evaluator.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE.pkl] [--non-strict]
                                           [--cfg-options k=v ...] [--launcher none|pytorch|slurm]

The checkpoint must fit the model: every missing or unexpected key raises (mmengine alone would warn and
evaluate random weights); --non-strict loads what matches and logs the rest.
"""
import argparse
import json
import os

import harmony  # noqa: F401  registries and the checkpoint loader (first: it quiets import-time warnings)
from mmengine.config import DictAction
from harmony.engine.checkpoint_loading import trust_checkpoint
from harmony.engine.runner_setup import build_runner, close_distributed, load_config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint to evaluate')
    parser.add_argument('--work-dir', help='directory for logs and results')
    parser.add_argument('--out', help='also dump the raw predictions to this .pkl file')
    parser.add_argument('--non-strict', action='store_true', help='allow missing/unexpected keys (logged)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE',
                        help='override config entries, e.g. test_dataloader.batch_size=4')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help='set by older launchers')
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main():
    args = parse_args()
    trust_checkpoint(args.checkpoint)
    cfg = load_config(args.config, args.cfg_options, args.work_dir, args.launcher)
    cfg.load_from = args.checkpoint
    if args.out:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--out must be a .pkl file, got {args.out}')
        evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else [cfg.test_evaluator]
        cfg.test_evaluator = [*evaluators, dict(type='DumpResults', out_file_path=args.out)]
    runner = build_runner(cfg)
    runner.load_checkpoint(args.checkpoint, strict=not args.non_strict)
    metrics = runner.test()
    if int(os.environ.get('RANK', 0)) == 0:
        print('metrics: ' + json.dumps({k: float(v) if hasattr(v, '__float__') else v for k, v in metrics.items()}),
              flush=True)
    close_distributed()


if __name__ == '__main__':
    main()
