"""Zero-shot confusion matrix of a checkpoint on the test set of a zero-shot config.

    python tools/visualization/zero_shot_confusion.py CONFIG CHECKPOINT [--out FILE.png] [--work-dir DIR]
        [--cfg-options KEY=VALUE ...]

CONFIG: any config whose test split is evaluated zero-shot (the demo pre-training config, the demo colours config,
configs/benchmarks/zeroshot/*.py); the run is tools/test.py's (same towers, prompts and logging) with mmpretrain's
ConfusionMatrix added to the evaluators. Rows are true classes, columns predictions; also prints top-1.
"""
import argparse
import json
import os.path as osp

import harmony  # noqa: F401
from mmengine.config import DictAction
from mmpretrain.evaluation import ConfusionMatrix

from harmony.engine.checkpoint_loading import trust_checkpoint
from harmony.engine.runner_setup import build_runner, close_distributed, load_config


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out')
    parser.add_argument('--work-dir')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    trust_checkpoint(args.checkpoint)
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    cfg.load_from = args.checkpoint
    evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else [cfg.test_evaluator]
    cfg.test_evaluator = [*evaluators, dict(type='mmpretrain.ConfusionMatrix')]
    runner = build_runner(cfg)
    runner.load_checkpoint(args.checkpoint, strict=True)
    metrics = runner.test()
    matrix = metrics.pop('confusion_matrix/result')  # [K, K], rows = ground truth
    classes = runner.test_dataloader.dataset.metainfo['classes']
    figure = ConfusionMatrix.plot(matrix, include_values=True, classes=list(classes), show=False)
    figure.suptitle(f'zero-shot, top-1 {float(matrix.diag().sum() / matrix.sum()) * 100:.1f} %', fontsize=10)
    out = args.out or osp.join(cfg.work_dir, 'zero_shot_confusion.png')
    figure.savefig(out, dpi=100, bbox_inches='tight')
    print(f'wrote {out}')
    print('metrics: ' + json.dumps({k: float(v) for k, v in metrics.items()}), flush=True)
    close_distributed()


if __name__ == '__main__':
    main()
