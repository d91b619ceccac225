"""One Markdown table of every metric of pre-training and downstream runs, the way papers report them.

    python tools/analysis/collect_results.py WORK_DIR [WORK_DIR ...] [--baseline WORK_DIR] [--out RESULTS.md]

Each WORK_DIR is one row (a run, an ablation): every evaluation under it is read — tools/test.py runs
(`<timestamp>/<timestamp>.json`, typed by the model of their `vis_data/config.py`: Harmony = zero-shot,
ImageClassifier = fine-tune) and tools/probe.py runs (`probe.json`); the latest one of each metric wins. A WORK_DIR
of `seed<N>/` work dirs (one run repeated over seeds) is one row of mean ± half the range over the seeds. Columns:
zero-shot top-1/top-5, linear and kNN top-1, fine-tune top-1, retrieval R@1 both ways, ADE20K mIoU, COCO box and
mask AP (only those that some run reports). --baseline adds that run as a row and, for every other run, a row
`Δ <run>`: its means minus the baseline's (e.g. pre-trained minus random init).
"""
import argparse
from pathlib import Path

import harmony  # noqa: F401  (first: it quiets import-time warnings)
from harmony.evaluation import collect_run, markdown_table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--baseline', help='work dir of the run the others are compared with (e.g. random init)')
    parser.add_argument('--out', help='also write the table to this file')
    args = parser.parse_args()
    work_dirs = args.work_dirs + ([args.baseline] if args.baseline else [])
    rows = {}
    for work_dir in work_dirs:
        if not Path(work_dir).is_dir():
            raise FileNotFoundError(f'work dir {work_dir} does not exist')
        name = Path(work_dir).name
        if name in rows:
            raise ValueError(f'two work dirs are named {name!r}: the table names rows by their work dir')
        rows[name] = collect_run(work_dir)
    table = markdown_table(rows, baseline=Path(args.baseline).name if args.baseline else None)
    print(table)
    if args.out:
        Path(args.out).write_text(table + '\n')


if __name__ == '__main__':
    main()
