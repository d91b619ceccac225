"""The curves of a run from mmengine's `vis_data/scalars.json`: every loss term and every schedule."""
import json
from pathlib import Path

# Panels: title -> keys (those the run logged are drawn; a key ending in '*' matches a prefix).
CURVE_GROUPS = {
    'losses': ['loss_*'],
    'total loss': ['loss'],
    'logit scale': ['logit_scale'],
    'hard-label weight': ['hard_weight'],
    'teacher temperature': ['teacher_temp'],
    'EMA momentum': ['momentum'],
    'learning rate': ['lr'],
    'weight decay': ['weight_decay'],
    'validation': ['accuracy/*', 'retrieval/*', 'mIoU'],
}


def read_scalars(work_dir):
    """(train records, val records) of the latest run under `work_dir` (lists of dicts from scalars.json)."""
    files = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    if not files:
        raise FileNotFoundError(f'no */vis_data/scalars.json under {work_dir}: is it an mmengine work dir?')
    records = [json.loads(line) for line in files[-1].read_text().splitlines() if line.strip()]
    train = [r for r in records if 'iter' in r]
    return train, [r for r in records if 'iter' not in r]


def _keys(records, patterns):
    present = sorted({k for r in records for k in r})
    return [k for k in present for p in patterns if (k.startswith(p[:-1]) if p.endswith('*') else k == p)]


def plot_training_curves(work_dir, out_file):
    """One panel per CURVE_GROUPS entry that the run logged (train: against the iteration; validation: against
    the validation round) -> PNG; returns the list of drawn keys."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    train, val = read_scalars(work_dir)
    panels = []
    for title, patterns in CURVE_GROUPS.items():
        records = val if title == 'validation' else train
        keys = _keys(records, patterns)
        if keys:
            panels.append((title, records, keys))
    if not panels:
        raise ValueError(f'the run in {work_dir} logged none of {sorted(CURVE_GROUPS)}')
    columns = 3
    rows = -(-len(panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 2.8 * rows), squeeze=False)
    drawn = []
    for axis, (title, records, keys) in zip(axes.flat, panels):
        x_key = 'iter' if title != 'validation' else 'step'
        for key in keys:
            points = [(r[x_key], r[key]) for r in records if key in r]
            axis.plot(*zip(*points), label=key, marker='o' if title == 'validation' else None, markersize=3)
            drawn.append(key)
        axis.set_title(title, fontsize=9)
        axis.set_xlabel('validation round' if title == 'validation' else 'iteration', fontsize=8)
        axis.tick_params(labelsize=7)
        if len(keys) > 1:
            axis.legend(fontsize=6)
    for axis in list(axes.flat)[len(panels):]:
        axis.set_axis_off()
    figure.tight_layout()
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out_file, dpi=100)
    plt.close(figure)
    return drawn
