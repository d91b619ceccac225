"""Gather the metrics of pre-training and downstream runs from their work dirs into one Markdown table."""
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


def markdown_table(rows):
    """rows: {run name: {column: value}} -> Markdown with the columns that any run reports, in COLUMNS order."""
    columns = [c for c in COLUMNS if any(c in row for row in rows.values())]
    lines = ['| run | ' + ' | '.join(columns) + ' |', '|---|' + '---|' * len(columns)]
    for name, row in rows.items():
        cells = [f'{row[c]:.1f}' if c in row else '–' for c in columns]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
