"""kNN and linear probe of a frozen backbone (DINO / DINOv2 protocols) on a classification set.

    python tools/probe.py CONFIG CHECKPOINT [--work-dir DIR] [--skip knn|linear] [--cfg-options k=v ...]

CHECKPOINT: a Harmony training checkpoint (EMA teacher backbone by default; --cfg-options
backbone.init_cfg.source=student) or an exported backbone. Features of the training and test splits are extracted
once (CLS token for kNN; CLS + mean patch token for the linear probe); kNN (k=20, temperature 0.07) votes with
the training features; the linear probe trains one head per learning rate, picks the rate on a held-out part of
the training split, retrains it on the whole split and evaluates the test split once. Prints `metrics: {json}`
(knn/top1, knn/top5, linear/top1, linear/top5, linear/lr) and writes WORK_DIR/probe.json.
"""
import argparse
import json
import os
import os.path as osp

import harmony  # noqa: F401  registries (first: it quiets import-time warnings)
import torch
from mmengine.config import DictAction
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from harmony.engine.checkpoint_loading import trust_checkpoint
from harmony.engine.runner_setup import load_config
from harmony.evaluation import extract_features, knn_accuracy, linear_probe
from harmony.registry import MODELS


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--work-dir')
    parser.add_argument('--skip', choices=['knn', 'linear'])
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    trust_checkpoint(args.checkpoint)
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    cfg.backbone.init_cfg = dict(cfg.backbone.get('init_cfg') or {}, type='Pretrained', checkpoint=args.checkpoint)
    os.makedirs(cfg.work_dir, exist_ok=True)
    logger = MMLogger.get_instance('probe', log_file=osp.join(cfg.work_dir, 'probe.log'))
    torch.manual_seed(cfg.get('seed', 0))
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'harmony')):
        backbone = MODELS.build(cfg.backbone)
        backbone.init_weights()
        preprocessor = MODELS.build(cfg.data_preprocessor)
        splits = {}
        for split in ('train', 'test'):
            loader = Runner.build_dataloader(cfg[f'{split}_dataloader'], seed=0)
            logger.info(f'features of the {split} split ({len(loader.dataset)} images)')
            splits[split] = extract_features(backbone, loader, preprocessor)
    num_classes = len(loader.dataset.metainfo['classes'])
    (train_cls, train_patch, train_labels), (test_cls, test_patch, test_labels) = splits['train'], splits['test']
    metrics = {}
    if args.skip != 'knn':
        knn = knn_accuracy(train_cls, train_labels, test_cls, test_labels, num_classes, **cfg.probe.knn)
        metrics.update({f'knn/{k}': v for k, v in knn.items()})
    if args.skip != 'linear':
        linear = linear_probe(torch.cat([train_cls, train_patch], 1), train_labels,
                              torch.cat([test_cls, test_patch], 1), test_labels, num_classes, **cfg.probe.linear)
        metrics.update({f'linear/{k}': v for k, v in linear.items() if k != 'holdout_top1'})
        metrics['linear/holdout_top1'] = {str(lr): v for lr, v in linear['holdout_top1'].items()}
    with open(osp.join(cfg.work_dir, 'probe.json'), 'w') as file:
        json.dump(metrics, file, indent=2)
    logger.info(f'probe of {args.checkpoint}: {metrics}')
    print('metrics: ' + json.dumps(metrics), flush=True)


if __name__ == '__main__':
    main()
