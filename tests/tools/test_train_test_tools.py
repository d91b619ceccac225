"""tools/train.py, tools/test.py and tools/dist_train.sh on an upstream mmseg config, resume included."""
import json
from pathlib import Path

import pytest

from tests.conftest import run_tool

CONFIG = 'configs/demo/fpn-r18_demo-ade-64x64.py'


def _tiny_options(demo_data, max_iters, checkpoint_interval):
    root = demo_data / 'ade'
    return ['--cfg-options', f'train_dataloader.dataset.data_root={root}', f'val_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}', 'train_dataloader.batch_size=2',
            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
            'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False',
            f'train_cfg.max_iters={max_iters}', f'train_cfg.val_interval={max_iters}',
            f'param_scheduler.0.end={max_iters}', 'default_hooks.logger.interval=1',
            f'default_hooks.checkpoint.interval={checkpoint_interval}']


def _scalars(work_dir):
    """Per-iteration training records from mmengine's JSON log (the last run's)."""
    logs = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    records = [json.loads(line) for line in logs[-1].read_text().splitlines()]
    return [r for r in records if 'loss' in r]


@pytest.fixture(scope='module')
def trained(demo_data, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('fpn')
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, *_tiny_options(demo_data, 4, 2))
    return work_dir


def test_train_writes_checkpoints_and_logs(trained):
    assert (trained / 'iter_2.pth').is_file() and (trained / 'iter_4.pth').is_file()
    assert [r['iter'] for r in _scalars(trained)] == [1, 2, 3, 4]


def test_test_tool_prints_miou(trained, demo_data):
    result = run_tool('tools/test.py', CONFIG, trained / 'iter_4.pth', '--work-dir', trained / 'test',
                      *_tiny_options(demo_data, 4, 2))
    metrics = json.loads(result.stdout.split('metrics: ')[-1].splitlines()[0])
    assert 0.0 <= metrics['mIoU'] <= 100.0


def test_resume_continues_where_it_stopped(demo_data, tmp_path):
    run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, *_tiny_options(demo_data, 2, 2))
    run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, '--resume', *_tiny_options(demo_data, 4, 2))
    assert [r['iter'] for r in _scalars(tmp_path)] == [3, 4]
    log = '\n'.join(p.read_text() for p in tmp_path.glob('*/*.log'))
    assert 'resumed epoch: 0, iter: 2' in log
    assert (tmp_path / 'iter_4.pth').is_file()


def test_test_tool_refuses_a_checkpoint_of_another_model(trained, demo_data, tmp_path):
    import torch
    torch.save({'state_dict': {'backbone.unrelated.weight': torch.zeros(3)}}, tmp_path / 'wrong.pth')
    result = run_tool('tools/test.py', CONFIG, tmp_path / 'wrong.pth', '--work-dir', tmp_path,
                      *_tiny_options(demo_data, 4, 2), check=False)
    assert result.returncode != 0 and 'do not match exactly' in result.stdout


def test_unknown_top_level_option_is_refused(tmp_path):
    result = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, '--cfg-options', 'trian_cfg.max_iters=2',
                      check=False)
    assert result.returncode != 0 and "unknown top-level key(s) ['trian_cfg']" in result.stdout


def test_dist_train_runs_two_cpu_processes(demo_data, tmp_path):
    result = run_tool('tools/dist_train.sh', CONFIG, 2, '--work-dir', tmp_path, *_tiny_options(demo_data, 2, 2),
                      env={'PORT': '29613'})
    assert 'gloo' in result.stdout
    assert (tmp_path / 'iter_2.pth').is_file()
    assert [r['iter'] for r in _scalars(tmp_path)] == [1, 2]


def test_dist_test_matches_single_process(trained, demo_data):
    options = _tiny_options(demo_data, 4, 2)
    single = run_tool('tools/test.py', CONFIG, trained / 'iter_4.pth', '--work-dir', trained / 'test1', *options)
    double = run_tool('tools/dist_test.sh', CONFIG, trained / 'iter_4.pth', 2, '--work-dir', trained / 'test2',
                      *options, env={'PORT': '29614'})

    def miou(result):
        return json.loads(result.stdout.split('metrics: ')[-1].splitlines()[0])['mIoU']
    assert miou(double) == pytest.approx(miou(single), abs=1e-6)
