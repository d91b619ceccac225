import math

import torch

from harmony.models.losses import IBOTLoss, masked_token_weights


def _xent(teacher_logits, student_logits, t_temp, s_temp, center):
    """-sum softmax((t - c)/tt) * log softmax(s/ts) for one pair of vectors, in plain Python."""
    t = [(x - c) / t_temp for x, c in zip(teacher_logits.tolist(), center.tolist())]
    s = [x / s_temp for x in student_logits.tolist()]
    zt = sum(math.exp(x) for x in t)
    zs = math.log(sum(math.exp(x) for x in s))
    return -sum(math.exp(a) / zt * (b - zs) for a, b in zip(t, s))


def _shares(loss, student_cls, student_patch, teacher_cls, teacher_patch, masks, batch, num_views):
    """Both iBOT losses over the whole batch from the two-step API (targets, then one share of all rows)."""
    probs = loss.targets(teacher_cls, teacher_patch[masks], teacher_patch.mean(1), 0.04, 0.07)
    views = torch.arange(num_views).repeat_interleave(batch)
    samples = torch.arange(batch).repeat(num_views)
    num_global = teacher_cls.shape[0] // batch
    weights = masked_token_weights(masks, num_global * batch)
    return (loss.cls_loss(student_cls, probs['cls'], views, samples, num_views),
            loss.patch_loss(student_patch[masks], probs['patch'], weights))


def test_ibot_losses_match_a_hand_computation():
    torch.manual_seed(0)
    B, N, K, G, L = 2, 3, 5, 2, 2
    student_cls, teacher_cls = torch.randn((G + L) * B, K), torch.randn(G * B, K)
    student_patch, teacher_patch = torch.randn(G * B, N, K), torch.randn(G * B, N, K)
    masks = torch.tensor([[1, 0, 1], [0, 0, 0], [0, 1, 0], [1, 1, 1]], dtype=torch.bool)
    loss = IBOTLoss(out_dim=K, num_global=G)
    loss.center.fill_(0.3)
    loss.patch_center.fill_(-0.2)
    cls_loss, patch_loss = _shares(loss, student_cls, student_patch, teacher_cls, teacher_patch, masks, B, G + L)

    cls_terms = []
    for q in range(G):
        for v in range(G + L):
            if v != q:
                cls_terms.append(sum(_xent(teacher_cls[q * B + b], student_cls[v * B + b], 0.04, 0.1,
                                           torch.full((K, ), 0.3)) for b in range(B)) / B)
    patch_terms = []
    for q in range(G):
        per_image = []
        for b in range(B):
            row = q * B + b
            masked = [n for n in range(N) if masks[row, n]]
            total = sum(_xent(teacher_patch[row, n], student_patch[row, n], 0.07, 0.1, torch.full((K, ), -0.2))
                        for n in masked)
            per_image.append(total / max(len(masked), 1))
        patch_terms.append(sum(per_image) / B)
    assert math.isclose(cls_loss.item(), sum(cls_terms) / len(cls_terms), rel_tol=1e-5)
    assert math.isclose(patch_loss.item(), sum(patch_terms) / len(patch_terms), rel_tol=1e-5)


def test_shares_of_any_split_of_the_rows_add_up():
    torch.manual_seed(1)
    B, K, G, L = 3, 6, 2, 2
    student_cls, teacher_cls = torch.randn((G + L) * B, K), torch.randn(G * B, K)
    loss = IBOTLoss(out_dim=K)
    probs = loss.targets(teacher_cls, torch.randn(0, K), torch.randn(G * B, K), 0.04, 0.07)
    views, samples = torch.arange(G + L).repeat_interleave(B), torch.arange(B).repeat(G + L)
    whole = loss.cls_loss(student_cls, probs['cls'], views, samples, G + L)
    parts = [torch.tensor([0, 4, 7]), torch.tensor([1, 2, 3, 11]), torch.tensor([5, 6, 8, 9, 10])]
    split = sum(loss.cls_loss(student_cls[p], probs['cls'], views[p], samples[p], G + L) for p in parts)
    torch.testing.assert_close(split, whole)


def test_centres_move_towards_the_teacher_mean_after_the_targets_are_taken():
    loss = IBOTLoss(out_dim=4, center_momentum=0.9)
    teacher_cls = torch.arange(8.0).reshape(2, 4)
    teacher_patch = torch.ones(2, 3, 4)
    probs = loss.targets(teacher_cls, teacher_patch[:, 0], teacher_patch.mean(1), 0.04, 0.04)
    torch.testing.assert_close(probs['cls'], torch.softmax(teacher_cls / 0.04, -1))  # the centre was still 0
    torch.testing.assert_close(loss.center, 0.1 * teacher_cls.mean(0, keepdim=True))
    torch.testing.assert_close(loss.patch_center, torch.full((1, 1, 4), 0.1))


def test_gradients_reach_only_the_student():
    student_cls = torch.randn(8, 5, requires_grad=True)
    teacher_cls = torch.randn(4, 5, requires_grad=True)
    student_patch = torch.randn(4, 3, 5, requires_grad=True)
    teacher_patch = torch.randn(4, 3, 5, requires_grad=True)
    cls_loss, patch_loss = _shares(IBOTLoss(out_dim=5), student_cls, student_patch, teacher_cls, teacher_patch,
                                   torch.ones(4, 3, dtype=torch.bool), 2, 4)
    (cls_loss + patch_loss).backward()
    assert student_cls.grad.abs().sum() > 0 and student_patch.grad.abs().sum() > 0
    assert teacher_cls.grad is None and teacher_patch.grad is None
