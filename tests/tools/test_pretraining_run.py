"""Harmony pre-training through tools/train.py on the demo pairs: all objectives log, schedules resume exactly."""
import json
from pathlib import Path

import pytest

from tests.conftest import run_tool

CONFIG = 'configs/demo/harmony_vit-demo_demo-pretrain.py'
SCHEDULED = ('momentum', 'weight_decay', 'hard_weight', 'teacher_temp')


def _options(demo_data, max_epochs):
    """A tiny model, batch 8 (6 iterations per epoch of the 48 tiny pairs), `max_epochs` epochs, zero-shot
    validation on the tiny demo classes after each epoch."""
    classification = demo_data / 'classification'  # zero-shot validation after each epoch
    return ['--cfg-options', f'train_dataloader.dataset.data_root={demo_data / "pretrain" / "files"}',
            f'val_dataloader.dataset.data_root={classification}',
            f'val_dataloader.dataset.classes={classification / "classnames.txt"}', 'val_dataloader.num_workers=0',
            'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            'model.backbone.arch.embed_dims=32', 'model.backbone.arch.num_layers=2', 'model.backbone.arch.num_heads=2',
            'model.text_encoder.width=32', 'model.text_encoder.heads=2', 'model.text_encoder.layers=1',
            'model.text_encoder.embed_dim=16', 'model.ibot_head.out_dim=64', 'model.ibot_head.hidden_dims=32',
            'model.text_dist_head.out_dim=32', 'model.text_dist_head.hidden_dims=32', 'model.mae_decoder.dims=32',
            'model.mae_decoder.depth=1', 'model.mae_decoder.num_heads=2', 'model.mlm_decoder.num_heads=2',
            f'train_cfg.max_epochs={max_epochs}', 'default_hooks.logger.interval=1',
            'default_hooks.checkpoint.interval=1']


def _records(work_dir):
    logs = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    return {r['iter']: r for r in map(json.loads, logs[-1].read_text().splitlines()) if 'loss' in r}


@pytest.fixture(scope='module')
def uninterrupted(demo_data, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('pretrain')
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, *_options(demo_data, 2))
    return work_dir


def test_every_objective_is_trained_and_logged(uninterrupted):
    records = _records(uninterrupted)
    assert sorted(records) == list(range(1, 13))
    for name in ('loss_clip', 'loss_ibot_cls', 'loss_ibot_patch', 'loss_mae', 'loss_mlm', 'loss_text_dist',
                 'logit_scale', *SCHEDULED):
        assert all(name in r for r in records.values()), name
    assert (uninterrupted / 'epoch_2.pth').is_file()
    log = next(uninterrupted.glob('*/*.log')).read_text()
    assert log.count('accuracy/top1') == 2 and 'weights evaluated: EMA teacher' in log


def test_resumed_run_continues_every_schedule(demo_data, tmp_path, uninterrupted):
    run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, *_options(demo_data, 1))
    run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, '--resume', *_options(demo_data, 2))
    resumed, reference = _records(tmp_path), _records(uninterrupted)
    assert sorted(resumed) == list(range(7, 13))
    for it in resumed:
        for name in SCHEDULED:
            assert resumed[it][name] == pytest.approx(reference[it][name]), (it, name)


def test_sequential_backward_trains_under_dist_train(demo_data, tmp_path):
    """The config switch reaches the Runner's DDP wrapper (HarmonyDistributedDataParallel) on two CPU processes."""
    result = run_tool('tools/dist_train.sh', CONFIG, 2, '--work-dir', tmp_path, *_options(demo_data, 1),
                      'model.sequential_backward=True', 'train_dataloader.batch_size=4', env={'PORT': '29617'})
    groups = "('ibot', 'clip', 'mae', 'text')"
    assert f'HarmonyDistributedDataParallel: one backward per loss group {groups}' in result.stdout
    records = _records(tmp_path)
    assert sorted(records) == list(range(1, 7))
    assert all(name in records[6] for name in ('loss_clip', 'loss_ibot_patch', 'loss_mae', 'loss_text_dist'))


def test_resumed_mid_epoch_the_run_continues_the_epoch(demo_data, tmp_path):
    every_3 = ['default_hooks.checkpoint.interval=3', 'default_hooks.checkpoint.by_epoch=False',
               'default_hooks.checkpoint.max_keep_ckpts=2']
    run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, *_options(demo_data, 1), *every_3)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_3.pth'))
    result = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, '--resume', *_options(demo_data, 1), *every_3)
    assert 'resumed mid-epoch: epoch 1 continues after its first 3 batches' in result.stdout
    assert sorted(_records(tmp_path)) == [4, 5, 6]
