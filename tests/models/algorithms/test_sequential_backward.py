"""`sequential_backward`: one backward per student pass gives the same update as one backward, alone and under DDP."""
import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope

from harmony.datasets import Img2DatasetFolder, collate_pretraining
from harmony.models import Harmony, HarmonyDistributedDataParallel
from harmony.models.algorithms import ScheduledValues
from harmony.models.algorithms.train_step import reduce_log_vars
from tests.models.algorithms.test_harmony import TINY

PIPELINE = [dict(type='MultiCrop', global_size=32, local_size=16, num_local=2),
            dict(type='BlockwiseMasks', patch_size=8, mask_probability=0.5), dict(type='PatchShuffle', patch_size=8),
            dict(type='TokenizeCaption'), dict(type='PackPretrainingInputs')]


def _samples(demo_data, count):
    with DefaultScope.overwrite_default_scope('harmony'):
        dataset = Img2DatasetFolder(str(demo_data / 'pretrain' / 'files'), pipeline=PIPELINE)
    return [dataset[i] for i in range(count)]


def _step(samples, sequential, wrap=None):
    """Parameters after one SGD step (lr 1, so the change is the gradient) and the logged variables."""
    torch.manual_seed(0)
    model = Harmony(**TINY, sequential_backward=sequential)  # drop_path_rate 0.1 by default: RNG order matters
    model.init_weights()
    model.set_schedule(ScheduledValues(hard_weight=0.5))
    runner_model = wrap(model) if wrap else model
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1.0))
    log_vars = runner_model.train_step(collate_pretraining(samples), optim_wrapper)
    return {n: p.detach().clone() for n, p in model.named_parameters()}, log_vars


def _assert_same_update(reference, sequential):
    (params_a, log_a), (params_b, log_b) = reference, sequential
    assert params_a.keys() == params_b.keys()
    for name in params_a:
        torch.testing.assert_close(params_b[name], params_a[name], rtol=1e-5, atol=1e-6, msg=name)
    assert log_a.keys() == log_b.keys()
    for name in log_a:
        torch.testing.assert_close(torch.as_tensor(log_b[name]), torch.as_tensor(log_a[name]), msg=name)


def test_sequential_step_equals_single_backward(demo_data):
    samples = _samples(demo_data, 4)
    _assert_same_update(_step(samples, False), _step(samples, True))


def _two_ranks(rank, port, samples, results):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    torch.set_num_threads(1)
    mine = samples[rank::2]
    def wrap(model):
        return HarmonyDistributedDataParallel(model, device_ids=None, broadcast_buffers=False)
    reference, sequential = _step(mine, False, wrap), _step(mine, True, wrap)
    _assert_same_update(reference, sequential)
    results[rank] = sequential[0]
    dist.destroy_process_group()


def test_sequential_step_under_ddp_equals_single_backward(demo_data):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    results = mp.Manager().dict()
    mp.spawn(_two_ranks, args=(port, _samples(demo_data, 4), results), nprocs=2)
    for name, value in results[0].items():  # both ranks applied the same all-reduced gradient
        torch.testing.assert_close(results[1][name], value, msg=name)


def _reduce_in_rank_order(rank, port, results):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    mine = {'loss_a': torch.tensor(1.0), 'loss_b': torch.tensor(2.0)}
    if rank == 1:  # this rank met the names the other way round (a loss's first share in another pass)
        mine = {'loss_b': torch.tensor(4.0), 'loss_a': torch.tensor(3.0)}
    results[rank] = reduce_log_vars(mine)
    dist.destroy_process_group()


def test_logged_values_are_averaged_name_by_name_whatever_order_ranks_meet_them():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    results = mp.Manager().dict()
    mp.spawn(_reduce_in_rank_order, args=(port, results), nprocs=2)
    assert results[0] == results[1] == {'loss_a': 2.0, 'loss_b': 3.0}


def test_fsdp_refuses_the_pass_by_pass_backward():
    from harmony.models.algorithms import HarmonyFullyShardedDataParallel
    with pytest.raises(ValueError, match='sequential_backward=True does not work with FSDP'):
        HarmonyFullyShardedDataParallel(Harmony(**TINY, sequential_backward=True))


def test_wrappers_recognise_harmony_by_type():
    """The DDP wrapper runs Harmony's step for a Harmony model only; the FSDP wrapper wraps nothing else."""
    from harmony.models.algorithms import HarmonyFullyShardedDataParallel
    with pytest.raises(TypeError, match='wraps a Harmony model, got Linear'):
        HarmonyFullyShardedDataParallel(torch.nn.Linear(2, 2))
