"""Harmony pre-training through tools/train.py on the demo pairs: all objectives log; a run killed at any moment,
even while writing a checkpoint, resumes into the exact run it would have been."""
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.conftest import REPO, run_tool
from tests.models.algorithms.test_harmony import TINY_OPTIONS

CONFIG = 'configs/demo/harmony_vit-demo_demo-pretrain.py'
FSDP_CONFIG = 'configs/demo/harmony_vit-demo_demo-pretrain_fsdp.py'
SCHEDULED = ('momentum', 'weight_decay', 'hard_weight', 'teacher_temp')
RECORD = re.compile(r'^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d - mmengine - ')  # a log record's first line


def _options(demo_data, max_epochs):
    """A tiny model, batch 8 (6 iterations per epoch of the 48 tiny pairs), `max_epochs` epochs, zero-shot
    validation on the tiny demo classes after each epoch, a checkpoint every 2 iterations, every iteration's
    own values logged."""
    classification = demo_data / 'classification'  # zero-shot validation after each epoch
    return ['--cfg-options', f'train_dataloader.dataset.data_root={demo_data / "pretrain" / "files"}',
            f'val_dataloader.dataset.data_root={classification}',
            f'val_dataloader.dataset.classes={classification / "classnames.txt"}', 'val_dataloader.num_workers=0',
            'train_dataloader.batch_size=8', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            *TINY_OPTIONS,
            f'train_cfg.max_epochs={max_epochs}', 'default_hooks.logger.interval=1', 'log_processor.window_size=1',
            'default_hooks.checkpoint.interval=2', 'default_hooks.checkpoint.by_epoch=False',
            'default_hooks.checkpoint.max_keep_ckpts=2']


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
    assert (uninterrupted / 'iter_12.pth').is_file()
    log = next(uninterrupted.glob('*/*.log')).read_text()
    assert log.count('accuracy/top1') == 2 and 'weights evaluated: EMA teacher' in log


def _startup_lines(work_dir):
    """The lines of the run's log file before its first iteration, without the config dump (from its record to
    the next record)."""
    lines = next(Path(work_dir).glob('*/*.log')).read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if 'Epoch(train)' in line)
    startup, in_config = [], False
    for line in lines[:first]:
        if RECORD.match(line):
            in_config = ' - INFO - Config:' in line
        if not in_config:
            startup.append(line)
    return startup


def test_the_log_before_the_first_iteration_fits_on_a_screen(uninterrupted):
    """No line per parameter (the optimiser's options and frozen teacher tensors, the weight-initialisation
    report): one summary line each, the hooks one line each, the environment in two lines."""
    startup = _startup_lines(uninterrupted)
    assert len(startup) <= 30, '\n'.join(startup)
    names = [name for name in _final_state(uninterrupted) if '.' in name]
    assert len(names) > 100 and not [line for line in startup if any(name in line for name in names)]
    for summary in ('AdamW optimises ', 'init_weights of Harmony: ', 'System environment: '):
        assert sum(summary in line for line in startup) == 1, summary


def _final_state(work_dir):
    return torch.load(work_dir / 'iter_12.pth', map_location='cpu', weights_only=False)['state_dict']


def _assert_same_values(resumed, reference):
    """Every logged value (but timings) of the resumed iterations equals the reference run's, bit for bit."""
    for it in resumed:
        for name, value in reference[it].items():
            if name not in ('time', 'data_time', 'step', 'iter', 'epoch'):
                both_nan = math.isnan(value) and math.isnan(resumed[it][name])  # e.g. an fp16 overflow's grad norm
                assert resumed[it][name] == value or both_nan, (it, name)


def _assert_same_run(resumed_dir, reference_dir, first_iter):
    """Bit-exact: every logged value of iterations first_iter..12 and every tensor of the final checkpoint
    (student, teachers, centres, logit scale)."""
    resumed = _records(resumed_dir)
    assert sorted(resumed) == list(range(first_iter, 13))
    _assert_same_values(resumed, _records(reference_dir))
    final, expected = _final_state(resumed_dir), _final_state(reference_dir)
    assert final.keys() == expected.keys()
    for name, tensor in expected.items():
        assert torch.equal(final[name], tensor), name


KILL_SWITCH = 'custom_imports.imports=[harmony,tests.tools.kill_switch]'


def test_run_killed_mid_epoch_resumes_exactly(demo_data, tmp_path, uninterrupted):
    """SIGKILL when step 9 starts (epoch 2, after the zero-shot evaluation of epoch 1): --resume finds iter_8.pth,
    skips the 2 batches of epoch 2 already used, and continues with the losses of the uninterrupted run."""
    options = _options(demo_data, 2)
    killed = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, *options, KILL_SWITCH,
                      env={'KILL_AT_STEP': '9'}, check=False)
    assert killed.returncode == -9
    result = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, '--resume', *options)
    assert f'--resume: continuing from {tmp_path / "iter_8.pth"}' in result.stdout
    assert 'resumed mid-epoch: epoch 2 continues after its first 2 batches' in result.stdout
    _assert_same_run(tmp_path, uninterrupted, 9)


def test_run_killed_after_the_last_step_of_an_epoch_resumes_with_the_next_epoch(demo_data, tmp_path, uninterrupted):
    """SIGKILL when step 7 starts: iter_6.pth was saved at the last step of epoch 1, before mmengine's epoch
    counter moved on; the resumed run starts epoch 2 instead of training epoch 1 again."""
    options = _options(demo_data, 2)
    killed = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, *options, KILL_SWITCH,
                      env={'KILL_AT_STEP': '7'}, check=False)
    assert killed.returncode == -9
    result = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, '--resume', *options)
    assert 'resumed at the end of epoch 1: continuing with epoch 2' in result.stdout
    _assert_same_run(tmp_path, uninterrupted, 7)


def test_run_killed_while_writing_a_checkpoint_resumes_from_the_previous_one(demo_data, tmp_path, uninterrupted):
    """SIGKILL inside the write of iter_6.pth: no truncated iter_6.pth exists, last_checkpoint still names
    iter_4.pth, the leftover temporary file is removed, and the resumed run is the uninterrupted one."""
    options = _options(demo_data, 2)
    killed = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, *options, KILL_SWITCH,
                      env={'KILL_IN_SAVE': '3'}, check=False)
    assert killed.returncode == -9
    assert not (tmp_path / 'iter_6.pth').exists() and list(tmp_path.glob('.iter_6.pth.*.partial'))
    result = run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path, '--resume', *options)
    assert f'--resume: continuing from {tmp_path / "iter_4.pth"}' in result.stdout
    assert 'the remains of a save that was interrupted' in result.stdout
    assert not list(tmp_path.glob('.*.partial'))
    _assert_same_run(tmp_path, uninterrupted, 5)


def _two_nodes(work_dir, options):
    """tools/dist_train.sh as two 'nodes' of one process each on this machine (NNODES=2, NODE_RANK=0/1)."""
    command = [str(REPO / 'tools' / 'dist_train.sh'), CONFIG, '1', '--work-dir', str(work_dir), *options]
    env = {**os.environ, 'PYTHONPATH': str(REPO), 'PYTHON': sys.executable, 'OMP_NUM_THREADS': '1', 'NNODES': '2',
           'MASTER_ADDR': '127.0.0.1', 'PORT': '29619'}
    nodes = [subprocess.Popen(command, cwd=REPO, env={**env, 'NODE_RANK': str(rank)}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for rank in (0, 1)]
    outputs = [node.communicate(timeout=600)[0] for node in nodes]
    for node, output in zip(nodes, outputs):
        assert node.returncode == 0, output[-4000:]


def test_two_processes_train_like_one_with_the_same_global_batch(demo_data, tmp_path):
    """2 CPU processes x batch 4 (one node with tools/dist_train.sh ... 2, two 'nodes' of one process, and FSDP
    through mmengine's FlexibleRunner: configs/demo/harmony_vit-demo_demo-pretrain_fsdp.py) against
    tools/train.py with batch 8: the same losses (averaged over ranks in the log) at every iteration of an epoch,
    within float tolerance. Exercises the CLIP gather with gradient (soft targets from gathered teacher
    features), the iBOT and text centre all-reduces, the MLM token count all-reduce, per-rank data shards with
    per-sample augmentation, and the sequential backward under DDP. Drop path is off: its draws are per rank."""
    options = [*_options(demo_data, 1), 'model.backbone.drop_path_rate=0.0']
    run_tool('tools/train.py', CONFIG, '--work-dir', tmp_path / 'one', *options)
    fsdp = run_tool('tools/dist_train.sh', FSDP_CONFIG, 2, '--work-dir', tmp_path / 'fsdp', *options,
                    'train_dataloader.batch_size=4', env={'PORT': '29621'})
    assert (tmp_path / 'fsdp' / 'iter_6.pth').is_file()  # one full checkpoint, gathered on rank 0
    assert len(_startup_lines(tmp_path / 'fsdp')) <= 30  # HarmonyFlexibleRunner's short start-up log
    result = run_tool('tools/dist_train.sh', CONFIG, 2, '--work-dir', tmp_path / 'two', *options,
                      'model.sequential_backward=True', 'train_dataloader.batch_size=4', env={'PORT': '29617'})
    assert 'HarmonyDistributedDataParallel: one backward per student pass' in result.stdout
    _two_nodes(tmp_path / 'nodes', [*options, 'train_dataloader.batch_size=4'])
    one, two, nodes = _records(tmp_path / 'one'), _records(tmp_path / 'two'), _records(tmp_path / 'nodes')
    sharded = _records(tmp_path / 'fsdp')
    assert sorted(one) == sorted(two) == sorted(nodes) == sorted(sharded) == list(range(1, 7))
    losses = [name for name in one[1] if name.startswith('loss')]
    assert len(losses) == 7
    for it in one:
        for name in losses:
            assert two[it][name] == pytest.approx(one[it][name], rel=1e-4, abs=1e-5), (it, name)
            assert nodes[it][name] == pytest.approx(one[it][name], rel=1e-4, abs=1e-5), (it, name)
            assert sharded[it][name] == pytest.approx(one[it][name], rel=1e-4, abs=1e-5), (it, name)
        assert sharded[it]['grad_norm'] == pytest.approx(one[it]['grad_norm'], rel=1e-4)  # clipped over all shards


def _killed_and_resumed(tmp_path, command, options, envs):
    """`command` (a tool and its arguments) for one epoch uninterrupted ('whole'), SIGKILLed when step 5 starts,
    then with --resume ('cut'); `envs`: one environment per run -> (resumed records, reference records, iter_6
    checkpoints of cut and whole)."""
    whole, cut = tmp_path / 'whole', tmp_path / 'cut'
    run_tool(*command, '--work-dir', whole, *options, env=envs[0])
    killed = run_tool(*command, '--work-dir', cut, *options, env={**envs[1], 'KILL_AT_STEP': '5'}, check=False)
    assert killed.returncode != 0 and not (cut / 'iter_6.pth').exists()
    run_tool(*command, '--work-dir', cut, '--resume', *options, env=envs[2])
    final, expected = (torch.load(d / 'iter_6.pth', map_location='cpu', weights_only=False) for d in (cut, whole))
    return _records(cut), _records(whole), final, expected


SHARDED = ('tools/dist_train.sh', FSDP_CONFIG, 2)
SHARDED_PORTS = ({'PORT': '29623'}, {'PORT': '29625'}, {'PORT': '29627'})


def _assert_resumed_sharded(resumed, reference, final, expected):
    """FSDP: the first process killed takes the other down, possibly while the iter_4.pth gather is under way, so
    the run resumes from iter_2.pth or iter_4.pth; every logged value and final weight as the uninterrupted run."""
    first = min(resumed)
    assert first in (3, 5) and sorted(resumed) == list(range(first, 7))
    _assert_same_values(resumed, reference)
    for name, tensor in expected['state_dict'].items():
        assert torch.equal(final['state_dict'][name], tensor), name


def test_sharded_run_killed_mid_epoch_resumes_exactly(demo_data, tmp_path):
    """FSDP on 2 CPU processes, SIGKILL of each when its step 5 starts, --resume from the newest complete full
    checkpoint (gathered on rank 0; weights and AdamW state re-sharded): the same run as the uninterrupted one."""
    options = [*_options(demo_data, 1), 'train_dataloader.batch_size=4', KILL_SWITCH]
    resumed, reference, final, expected = _killed_and_resumed(tmp_path, SHARDED, options, SHARDED_PORTS)
    _assert_resumed_sharded(resumed, reference, final, expected)
    for name, state in expected['optimizer']['state'].items():  # the saved AdamW moments are the real ones
        for key, value in state.items():
            assert torch.equal(final['optimizer']['state'][name][key], value), (name, key)
    cls_state = expected['optimizer']['state']['backbone.cls_token']
    assert not torch.equal(cls_state['exp_avg'], cls_state['exp_avg_sq'])


def _amp_options(demo_data, wrapper, dtype, init_scale=1024.0):
    """Mixed precision through `wrapper` with a dynamic loss scaler that moves within the run: `init_scale`,
    doubled every 2 good steps, halved (and the step skipped) on an overflow."""
    return [*_options(demo_data, 1), f'optim_wrapper.type={wrapper}', f'optim_wrapper.dtype={dtype}',
            f'optim_wrapper.loss_scale.init_scale={init_scale}', 'optim_wrapper.loss_scale.growth_interval=2',
            'custom_imports.imports=[harmony,tests.tools.kill_switch,tests.tools.cpu_amp]']


# (init scale, scale in iter_4.pth, scale in iter_6.pth) of the tiny run, measured: in fp16 from 4096, steps 1 and 4
# overflow (1 at 4096 -> 2048, 2-3 good -> 4096, 4 at 4096 -> 2048 with the growth tracker at 0), steps 5-6 are good
# at 2048 -> 4096; a scaler restarted at 4096 would run step 5 at 4096. bf16 never overflows: 1024 doubles thrice.
SCALES = {'float16': (4096.0, 2048.0, 4096.0), 'bfloat16': (1024.0, 4096.0, 8192.0)}


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
def test_mixed_precision_run_killed_mid_epoch_resumes_with_its_loss_scaler(demo_data, tmp_path, dtype):
    """mmengine's AmpOptimWrapper with CPU autocast and a CPU GradScaler (`tests/tools/cpu_amp.py`; the CUDA
    twin is below), SIGKILL when step 5 starts, --resume: the scaler's scale and growth tracker come back with
    iter_4.pth, so the resumed run is bit-exact the uninterrupted one (SCALES: fp16's overflow at step 4 leaves a
    scale in iter_4.pth that differs from the initial one)."""
    init_scale, saved_scale, final_scale = SCALES[dtype]
    options = _amp_options(demo_data, 'CPUAmpOptimWrapper', dtype, init_scale)
    resumed, reference, final, expected = _killed_and_resumed(tmp_path, ('tools/train.py', CONFIG), options,
                                                              ({}, {}, {}))
    assert sorted(resumed) == [5, 6]
    _assert_same_values(resumed, reference)
    if dtype == 'float16':
        assert [math.isfinite(reference[it]['grad_norm']) for it in (4, 5, 6)] == [False, True, True]
    saved = torch.load(tmp_path / 'cut' / 'iter_4.pth', map_location='cpu', weights_only=False)
    assert saved['optimizer']['loss_scaler']['scale'] == saved_scale
    assert final['optimizer']['loss_scaler'] == expected['optimizer']['loss_scaler']
    assert final['optimizer']['loss_scaler']['scale'] == final_scale
    for name, tensor in expected['state_dict'].items():
        assert torch.equal(final['state_dict'][name], tensor), name


def test_sharded_fp16_run_killed_mid_epoch_resumes_with_its_loss_scaler(demo_data, tmp_path):
    """The same under FSDP on 2 CPU processes (torch's ShardedGradScaler, which mmengine gives AmpOptimWrapper
    under FSDPStrategy: `use_fsdp`; foreach AdamW, see HarmonyFSDPStrategy): the scaler's state is in the full
    checkpoint and comes back on every rank. From 4096 (measured on the tiny model): steps 1 and 2 overflow
    (-> 1024 in iter_2.pth), 3 and 4 are good (-> 2048 in iter_4.pth), 5 and 6 good (-> 4096); a scaler restarted
    at 4096 would run the resumed steps at another scale and end elsewhere."""
    options = [*_amp_options(demo_data, 'CPUAmpOptimWrapper', 'float16', init_scale=4096.0),
               'optim_wrapper.use_fsdp=True', 'optim_wrapper.optimizer.fused=False', 'train_dataloader.batch_size=4']
    resumed, reference, final, expected = _killed_and_resumed(tmp_path, SHARDED, options, SHARDED_PORTS)
    _assert_resumed_sharded(resumed, reference, final, expected)
    assert [math.isfinite(reference[it]['grad_norm']) for it in (1, 2, 3, 4, 5, 6)] == [False] * 2 + [True] * 4
    assert final['optimizer']['loss_scaler'] == expected['optimizer']['loss_scaler']
    assert final['optimizer']['loss_scaler']['scale'] == 4096.0


@pytest.mark.skipif(not torch.cuda.is_available(), reason="mmengine's AmpOptimWrapper needs CUDA")
@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
def test_amp_run_killed_mid_epoch_resumes_with_its_loss_scaler(demo_data, tmp_path, dtype):
    """CUDA only (run it on a GPU machine): the same with mmengine's own AmpOptimWrapper on CUDA (deterministic
    kernels; losses within float tolerance, as CUDA reductions may differ in order)."""
    env = {'CUBLAS_WORKSPACE_CONFIG': ':4096:8'}
    options = [*_amp_options(demo_data, 'AmpOptimWrapper', dtype), 'randomness.deterministic=True']
    resumed, reference, final, expected = _killed_and_resumed(tmp_path, ('tools/train.py', CONFIG), options,
                                                              (env, env, env))
    assert sorted(resumed) == [5, 6]
    for it in resumed:
        assert resumed[it]['loss'] == pytest.approx(reference[it]['loss'], rel=1e-4), it
    assert final['optimizer']['loss_scaler'] == expected['optimizer']['loss_scaler']
