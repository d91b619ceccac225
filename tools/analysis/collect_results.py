"""One Markdown table of every metric of pre-training and downstream runs, the way papers report them.

    python tools/analysis/collect_results.py WORK_DIR [WORK_DIR ...] [--out RESULTS.md]

Each WORK_DIR is one row (a run, an ablation): every evaluation under it is read — tools/test.py runs
(`<timestamp>/<timestamp>.json`, typed by the model of their `vis_data/config.py`: Harmony = zero-shot,
ImageClassifier = fine-tune) and tools/probe.py runs (`probe.json`); the latest one of each metric wins. Columns:
zero-shot top-1/top-5, linear and kNN top-1, fine-tune top-1, retrieval R@1 both ways, ADE20K mIoU, COCO box and
mask AP (only those that some run reports).
"""
import argparse
from pathlib import Path

import harmony  # noqa: F401  (first: it quiets import-time warnings)
from harmony.evaluation import collect, markdown_table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--out', help='also write the table to this file')
    args = parser.parse_args()
    rows = {}
    for work_dir in args.work_dirs:
        if not Path(work_dir).is_dir():
            raise FileNotFoundError(f'work dir {work_dir} does not exist')
        rows[Path(work_dir).name] = collect(work_dir)
    table = markdown_table(rows)
    print(table)
    if args.out:
        Path(args.out).write_text(table + '\n')


if __name__ == '__main__':
    main()
