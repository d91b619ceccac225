"""Gather the metrics of pre-training and downstream runs from their work dirs into one Markdown table.

A run is a work dir; a run repeated with several seeds is a work dir of `seed<N>/` work dirs, shown as the mean
± half the range over its seeds (with two seeds: the two values are mean − x and mean + x).
"""
import json
import re
from pathlib import Path

from mmengine.config import Config

# column -> (metric key, scale, which model types report it; None: any)
COLUMNS = {
    'zero-shot top-1': ('accuracy/top1', 1, ('Harmony',)),
    'zero-shot top-5': ('accuracy/top5', 1, ('Harmony',)),
    'zero-shot colour top-1': ('colour_accuracy/top1', 1, ('Harmony',)),  # the demo's colours set
    'linear top-1': ('linear/top1', 1, None),
    'kNN top-1': ('knn/top1', 1, None),
    'fine-tune top-1': ('accuracy/top1', 1, ('ImageClassifier',)),
    'retrieval i2t R@1': ('retrieval/i2t_R@1', 1, None),
    'retrieval t2i R@1': ('retrieval/t2i_R@1', 1, None),
    'ADE20K mIoU': ('mIoU', 1, None),
    'COCO box AP': ('coco/bbox_mAP', 100, None),
    'COCO mask AP': ('coco/segm_mAP', 100, None),
}
TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')
SEED_DIR = re.compile(r'^seed\d+$')


def _model_type(run_dir):
    config = run_dir / 'vis_data' / 'config.py'
    if not config.is_file():
        return None
    return str(Config.fromfile(config).model.get('type', '')).split('.')[-1]


def _metric_files(work_dir):
    """(sort key, model type, metrics) of every test run (`<ts>/<ts>.json`) and probe (`probe.json`) under it."""
    found = []
    for path in Path(work_dir).rglob('*.json'):
        if path.name == 'probe.json':
            found.append((path.stat().st_mtime, None, json.loads(path.read_text())))
        elif TIMESTAMP.match(path.stem) and path.parent.name == path.stem:
            found.append((path.stat().st_mtime, _model_type(path.parent), json.loads(path.read_text())))
    return sorted(found, key=lambda item: item[0])


def collect(work_dir):
    """{column: value} of one run: the latest evaluation that reports each column's metric."""
    row = {}
    for _, model_type, metrics in _metric_files(work_dir):
        for column, (key, scale, model_types) in COLUMNS.items():
            if key in metrics and (model_types is None or model_type in model_types):
                row[column] = float(metrics[key]) * scale
    return row


def seed_dirs(work_dir):
    """The `seed<N>/` work dirs of a run repeated over seeds (sorted; empty for a single run)."""
    return sorted((p for p in Path(work_dir).iterdir() if p.is_dir() and SEED_DIR.match(p.name)),
                  key=lambda p: int(p.name[4:]))


def collect_run(work_dir):
    """{column: [value per seed]} of one run: one value each for a single run, one per `seed<N>/` otherwise. A
    column that some seeds lack is left out (a mean over fewer seeds would compare unequal things)."""
    rows = [collect(seed) for seed in seed_dirs(work_dir)] or [collect(work_dir)]
    return {column: [row[column] for row in rows] for column in COLUMNS if all(column in row for row in rows)}


def _mean(values):
    return sum(values) / len(values)


def _cell(values):
    if len(values) == 1:
        return f'{values[0]:.1f}'
    return f'{_mean(values):.1f} ± {(max(values) - min(values)) / 2:.1f}'


def markdown_table(rows, baseline=None):
    """rows: {run name: {column: [values]}} (`collect_run`) -> Markdown with the
    columns that any run reports, in COLUMNS order. With `baseline` (a run name in rows), each other run that
    reports every metric the baseline reports gets a row `Δ <run>` of its means minus the baseline's (a run of
    other tasks, such as a segmentation-only model, is not compared)."""
    if baseline is not None and baseline not in rows:
        raise KeyError(f'baseline {baseline!r} is not one of the runs {list(rows)}')
    columns = [c for c in COLUMNS if any(c in row for row in rows.values())]
    lines = ['| run | ' + ' | '.join(columns) + ' |', '|---|' + '---|' * len(columns)]
    for name, row in rows.items():
        lines.append(f'| {name} | ' + ' | '.join(_cell(row[c]) if c in row else '–' for c in columns) + ' |')
    for name, row in rows.items():
        if baseline is None or name == baseline or not set(rows[baseline]) <= set(row):
            continue
        base = rows[baseline]
        cells = [f'{_mean(row[c]) - _mean(base[c]):+.1f}' if c in base else '–' for c in columns]
        lines.append(f'| Δ {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
