"""Train with any mmengine config: Harmony's own or an upstream mmseg/mmdet/mmpretrain one.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--cfg-options k=v ...]
                                 [--launcher none|pytorch|slurm]

Multi-GPU/multi-node: tools/dist_train.sh CONFIG GPUS [args]; Slurm: tools/slurm_train.sh. Without CUDA, the same
commands run on CPU (distributed runs use the gloo backend).
"""
import argparse
import os

import harmony  # noqa: F401  registries and the checkpoint loader (first: it quiets import-time warnings)
import torch
from mmengine.config import DictAction
from harmony.engine.atomic_files import find_resume_checkpoint
from harmony.engine.checkpoint_loading import trust_checkpoint
from harmony.engine.runner_setup import build_runner, close_distributed, load_config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='directory for logs and checkpoints')
    parser.add_argument('--resume', nargs='?', const='auto', metavar='CKPT',
                        help='resume from CKPT, or with no value from the newest complete checkpoint in the work dir '
                             '(none: start from the beginning)')
    parser.add_argument('--amp', action='store_true', help='mixed precision (AmpOptimWrapper, needs CUDA)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE',
                        help='override config entries, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help='set by older launchers')
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def enable_amp(cfg):
    if not torch.cuda.is_available():
        raise RuntimeError('--amp needs CUDA (mmengine\'s AmpOptimWrapper); run without --amp on CPU')
    if cfg.optim_wrapper.get('type', 'OptimWrapper') == 'AmpOptimWrapper':
        print('--amp: the config already uses AmpOptimWrapper', flush=True)
        return
    if cfg.optim_wrapper.get('type', 'OptimWrapper') != 'OptimWrapper':
        raise ValueError(f'--amp replaces OptimWrapper by AmpOptimWrapper, but the config uses '
                         f'{cfg.optim_wrapper.type}; set its AMP options in the config instead')
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')


def main():
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir, args.launcher)
    if args.amp:
        enable_amp(cfg)
    if args.resume == 'auto':
        found = find_resume_checkpoint(cfg.work_dir)  # this run's own checkpoints: trusted
        if found:
            trust_checkpoint(found)
        print(f'--resume: continuing from {found}' if found else
              f'--resume: no checkpoint in {cfg.work_dir}; starting from the beginning', flush=True)
        cfg.resume, cfg.load_from = found is not None, found
    elif args.resume is not None:
        trust_checkpoint(args.resume)
        cfg.resume, cfg.load_from = True, args.resume
    runner = build_runner(cfg, training=True)
    runner.train()
    close_distributed()


if __name__ == '__main__':
    main()
