import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from open_clip.loss import ClipLoss

from harmony.models.losses import SoftCLIPLoss


def _features(batch=8, dim=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [F.normalize(torch.randn(batch, dim, generator=g), dim=-1) for _ in range(4)]


def test_hard_targets_equal_open_clip():
    image, text, _, _ = _features()
    scale = torch.tensor(14.3)
    ours = SoftCLIPLoss()(image, text, scale, hard_weight=1.0)
    torch.testing.assert_close(ours, ClipLoss()(image, text, scale))


def test_soft_targets_with_weight_zero_are_the_teacher_softmax():
    image, text, teacher_image, teacher_text = _features()
    scale = 10.0
    loss = SoftCLIPLoss(teacher_temperature=0.1)(image, text, scale, 0.0, teacher_image, teacher_text)
    targets_i = torch.softmax(teacher_image @ teacher_text.t() / 0.1, dim=1)
    targets_t = torch.softmax(teacher_text @ teacher_image.t() / 0.1, dim=1)
    by_hand = 0.0
    for logits, targets in ((scale * image @ text.t(), targets_i), (scale * text @ image.t(), targets_t)):
        log_p = torch.log_softmax(logits, dim=1)
        by_hand += -sum((targets[i] * log_p[i]).sum() for i in range(len(targets))) / len(targets) / 2
    torch.testing.assert_close(loss, by_hand)


def test_soft_targets_need_the_teacher():
    image, text, _, _ = _features()
    with pytest.raises(ValueError, match='needs the teacher'):
        SoftCLIPLoss()(image, text, 10.0, hard_weight=0.5)


def _two_ranks(rank, port, results):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    image, text, teacher_image, teacher_text = _features()
    image = image.clone().requires_grad_()
    part = slice(4 * rank, 4 * rank + 4)
    local = image[part]
    loss = SoftCLIPLoss()(local, text[part], 10.0, 0.5, teacher_image[part], teacher_text[part])
    loss.backward()
    grad = image.grad.clone()
    dist.all_reduce(grad)  # DDP would average: the sum of per-rank grads / 2
    results[rank] = (loss.item(), (grad / 2)[part])
    dist.destroy_process_group()


def test_two_processes_equal_one_process_with_the_full_batch():
    image, text, teacher_image, teacher_text = _features()
    image = image.clone().requires_grad_()
    loss = SoftCLIPLoss()(image, text, 10.0, 0.5, teacher_image, teacher_text)
    loss.backward()
    results = mp.Manager().dict()
    mp.spawn(_two_ranks, args=(29677, results), nprocs=2)
    assert sum(results[r][0] for r in range(2)) / 2 == pytest.approx(loss.item(), rel=1e-5)
    for rank in range(2):
        torch.testing.assert_close(results[rank][1], image.grad[4 * rank:4 * rank + 4], rtol=1e-5, atol=1e-6)
