"""tools/analysis/benchmark.py: a Harmony step against open_clip's CLIP step with the same towers."""
import re

from tests.conftest import run_tool
from tests.tools.test_pretraining_run import CONFIG, _options


def test_benchmark_reports_both_steps_and_their_ratios(demo_data, tmp_path):
    model_options = [o for o in _options(demo_data, 1)[1:] if o.startswith('model.')]
    out = tmp_path / 'bench.md'
    result = run_tool('tools/analysis/benchmark.py', CONFIG, '--batch', 4, '--steps', 2, '--warmup', 1,
                      '--data-root', demo_data / 'pretrain' / 'files', '--out', out, '--cfg-options', *model_options)
    table = out.read_text()
    assert table in result.stdout
    rows = {}
    for name in ('Harmony (all configured objectives)', 'open_clip CLIP'):
        cells = re.search(rf'^\| {re.escape(name)} \|(.*)\|$', table, re.M).group(1).split('|')
        rows[name] = [float(c) for i, c in enumerate(cells) if i != 4]  # MFU is '–' on CPU
        assert all(value > 0 for value in rows[name]), (name, cells)
    harmony, clip = rows['Harmony (all configured objectives)'], rows['open_clip CLIP']
    assert harmony[2] > clip[2]  # five objectives with teachers cost more work per sample than CLIP
    ratios = re.search(r'Harmony / CLIP: time ([\d.]+)x, work ([\d.]+)x, memory ([\d.]+)x', table)
    assert abs(float(ratios.group(2)) - harmony[2] / clip[2]) < 0.05 * harmony[2] / clip[2]
