"""tools/analysis/benchmark.py: a Harmony step against open_clip's CLIP step with the same towers."""
import re
import subprocess
import sys

import pytest
import torch

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
    parts = re.findall(r'^\| ([^|]+) \| ([^|]*) \| ([\d.]+) \| ([\d.]*) \| ([\d.]+) \|$', table, re.M)
    names = [part[0] for part in parts]
    assert names[0] == 'teachers' and names[-2:] == ['optimiser step (incl. clipping)', 'EMA teachers']
    assert any(name.startswith('VisiblePatchPass(view=') for name in names)
    clip_pass = next(part for part in parts if part[0].startswith('PairPass('))
    assert {'backbone', 'text_encoder', 'image_projection'} <= set(clip_pass[1].split(', ')) and clip_pass[3]
    # the student passes and the teachers are the step's work: their FLOPs add up to the step's
    assert abs(sum(float(part[4]) for part in parts) - harmony[2]) < 0.02 * harmony[2]


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the message given without CUDA')
def test_gpu_check_says_it_needs_cuda(tmp_path):
    result = subprocess.run(['bash', 'tools/analysis/gpu_check.sh', str(tmp_path)], capture_output=True, text=True,
                            env={'PYTHON': sys.executable, 'PATH': '/usr/bin:/bin'})
    assert result.returncode != 0 and 'gpu_check.sh needs a CUDA device' in result.stderr
