"""tools/visualization/* on a tiny pre-training run that also logs to TensorBoard (with MAE reconstructions)."""
import pytest

from tests.conftest import run_tool
from tests.tools.test_pretraining_run import CONFIG, _options


@pytest.fixture(scope='module')
def tensorboard_run(demo_data, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('tensorboard_run')
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, *_options(demo_data, 1), 'tensorboard.enable=True',
             'tensorboard.image_interval=3')
    return work_dir


def test_tensorboard_switch_writes_scalars_and_reconstructions(tensorboard_run):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = list(tensorboard_run.glob('*/vis_data/events.out.tfevents.*'))
    assert len(events) == 1
    accumulator = EventAccumulator(str(events[0].parent), size_guidance={'images': 0})
    accumulator.Reload()
    assert {'loss_clip', 'loss_mae', 'momentum', 'hard_weight'} <= set(accumulator.Tags()['scalars'])
    steps = [event.step for event in accumulator.Images('mae_reconstruction')]
    assert steps == [3, 6]  # every 3 of the 6 iterations


@pytest.mark.parametrize('tool,extra', [('pca_features', []), ('attention_maps', []),
                                        ('mae_reconstruction', ['--num', '3'])])
def test_picture_tools_write_pngs(tool, extra, tensorboard_run, demo_data, tmp_path):
    out = tmp_path / f'{tool}.png'
    model_options = [o for o in _options(demo_data, 1)[1:] if o.startswith('model.')]
    result = run_tool(f'tools/visualization/{tool}.py', CONFIG, tensorboard_run / 'iter_6.pth',
                      demo_data / 'classification' / 'val', '--out', out, *extra, '--cfg-options', *model_options)
    assert f'wrote {out}' in result.stdout
    assert out.stat().st_size > 5_000


def test_confusion_and_curves_tools_write_pngs(tensorboard_run, demo_data, tmp_path):
    out = tmp_path / 'confusion.png'
    result = run_tool('tools/visualization/zero_shot_confusion.py', CONFIG, tensorboard_run / 'iter_6.pth',
                      '--out', out, '--work-dir', tmp_path, '--cfg-options',
                      *[o.replace('val_dataloader', 'test_dataloader') for o in _options(demo_data, 1)[1:]])
    assert out.stat().st_size > 5_000 and '"accuracy/top1"' in result.stdout
    result = run_tool('tools/visualization/training_curves.py', tensorboard_run, '--out', tmp_path / 'curves.png')
    assert 'loss_clip' in result.stdout and 'hard_weight' in result.stdout and 'accuracy/top1' in result.stdout


def test_exported_backbones_work_for_features_and_are_refused_for_reconstructions(tensorboard_run, demo_data,
                                                                                  tmp_path):
    exported = tmp_path / 'backbone.safetensors'
    run_tool('tools/export_backbone.py', tensorboard_run / 'iter_6.pth', exported)
    model_options = [o for o in _options(demo_data, 1)[1:] if o.startswith('model.')]
    images = demo_data / 'classification' / 'val'
    run_tool('tools/visualization/pca_features.py', CONFIG, exported, images, '--out', tmp_path / 'pca.png',
             '--cfg-options', *model_options)
    result = run_tool('tools/visualization/mae_reconstruction.py', CONFIG, exported, images, '--cfg-options',
                      *model_options, check=False)
    assert result.returncode != 0 and 'is not a Harmony training checkpoint' in result.stdout
