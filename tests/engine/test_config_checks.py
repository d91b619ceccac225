"""Configuration mistakes stop a run before any work starts, naming the key to change."""
import pytest
from mmengine.config import Config

from harmony.engine.config_checks import check_config
from tests.conftest import REPO, run_tool

CONFIG = 'configs/demo/harmony_vit-demo_demo-pretrain.py'


@pytest.fixture
def cfg(demo_data):
    cfg = Config.fromfile(REPO / CONFIG)
    cfg.train_dataloader.dataset.data_root = str(demo_data / 'pretrain' / 'files')
    cfg.val_dataloader.dataset.data_root = str(demo_data / 'classification')
    return cfg


def test_a_good_config_passes(cfg):
    check_config(cfg, training=True)


def test_global_batch_size_is_split_over_processes_and_accumulation(cfg, monkeypatch):
    monkeypatch.setenv('WORLD_SIZE', '4')
    cfg.global_batch_size = 768
    cfg.optim_wrapper.accumulative_counts = 2
    assert check_config(cfg, training=True).train_dataloader.batch_size == 96
    cfg.global_batch_size = 100
    with pytest.raises(ValueError, match=r'global_batch_size=100 is not divisible by 4 processes x '
                                         r'optim_wrapper.accumulative_counts=2'):
        check_config(cfg, training=True)


def test_crop_sizes_must_be_multiples_of_the_patch_size(cfg):
    cfg.train_dataloader.dataset.pipeline[0].local_size = 30
    with pytest.raises(ValueError, match=r'train_dataloader.dataset.pipeline\[0\].local_size=30 is not a multiple '
                                         r'of model.backbone.patch_size=8'):
        check_config(cfg, training=True)


def test_missing_data_root_and_pretrained_file_are_named(cfg, tmp_path):
    cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint=str(tmp_path / 'backbone.safetensors'))
    with pytest.raises(FileNotFoundError, match=r'model.backbone.init_cfg.checkpoint=.*backbone.safetensors'):
        check_config(cfg, training=True)
    cfg.val_dataloader.dataset.data_root = str(tmp_path / 'nowhere')
    with pytest.raises(FileNotFoundError, match=r"val_dataloader.dataset.data_root='.*nowhere' does not exist"):
        check_config(cfg, training=True)


@pytest.mark.parametrize('option,message', [
    ('train_dataloader.dataset.data_root=data/no_such_set',
     "train_dataloader.dataset.data_root='data/no_such_set' does not exist"),
    ('model.objectives=[clip,ibot,mea]', 'model.objectives must be a dict'),
])
def test_train_tool_stops_before_any_work(option, message, demo_data, tmp_path):
    options = [f'val_dataloader.dataset.data_root={demo_data / "classification"}',
               f'train_dataloader.dataset.data_root={demo_data / "pretrain" / "files"}', option]
    result = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path / 'run', '--cfg-options', *options,
                      check=False)
    assert result.returncode != 0 and message in result.stdout
    assert 'Epoch(train)' not in result.stdout
    if 'data_root' in option:
        assert not (tmp_path / 'run').exists()  # refused before the Runner made anything
