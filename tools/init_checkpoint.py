"""Write the checkpoint a pre-training config starts from: its model, randomly initialised, before any step.

    python tools/init_checkpoint.py CONFIG OUT [--seed 0] [--cfg-options k=v ...]

OUT is a training checkpoint like the ones tools/train.py writes (`state_dict` + `meta` with the config), so every
tool that takes one (tools/test.py, tools/export_backbone.py, tools/pipeline.sh --random-init) evaluates the
random-init baseline exactly as it evaluates a pre-trained run. The EMA teacher equals the student at init.
"""
import argparse
import os.path as osp

import harmony  # noqa: F401  registries (first: it quiets import-time warnings)
import torch
from mmengine.config import DictAction
from mmengine.runner import set_random_seed
from mmengine.runner.checkpoint import weights_to_cpu

from harmony.engine.runner_setup import load_config
from harmony.registry import MODELS


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='pre-training config')
    parser.add_argument('out', help='output checkpoint (.pth)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random initialisation')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE',
                        help='override config settings, as tools/train.py does')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    set_random_seed(args.seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    meta = dict(cfg=cfg.pretty_text, seed=args.seed, epoch=0, iter=0, random_init=True)
    torch.save(dict(meta=meta, state_dict=weights_to_cpu(model.state_dict())), args.out)
    print(f'random-init checkpoint of {osp.basename(args.config)} (seed {args.seed}) written to {args.out}')


if __name__ == '__main__':
    main()
