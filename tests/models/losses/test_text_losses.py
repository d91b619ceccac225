import math

import pytest
import torch
import torch.nn.functional as F

from harmony.models.losses import MaskedLanguageModelingLoss, TextDistillationLoss, masked_token_weights


def test_mlm_loss_is_cross_entropy_over_masked_tokens_only():
    ids = torch.tensor([[5, 6, 7, 0], [8, 9, 0, 0]])
    mask = torch.tensor([[False, True, False, False], [True, False, False, False]])
    logits = torch.randn(2, 10)
    expected = (F.cross_entropy(logits[:1], torch.tensor([6])) + F.cross_entropy(logits[1:], torch.tensor([8]))) / 2
    torch.testing.assert_close(MaskedLanguageModelingLoss()(logits, ids, mask), expected)
    with pytest.raises(ValueError, match='logit rows'):
        MaskedLanguageModelingLoss()(torch.randn(3, 10), ids, mask)
    empty = MaskedLanguageModelingLoss()(torch.randn(0, 10, requires_grad=True), ids, torch.zeros_like(mask))
    assert empty.item() == 0.0 and empty.requires_grad


def test_text_distillation_matches_hand_computation_and_centres_on_real_tokens():
    torch.manual_seed(0)
    student, teacher = torch.randn(2, 4, 3), torch.randn(2, 4, 3)
    masked = torch.tensor([[True, False, True, True], [False, True, False, False]])
    valid = torch.tensor([[True, True, True, False], [True, True, False, False]])
    loss_module = TextDistillationLoss(out_dim=3, center_momentum=0.5)
    targets = masked & valid
    probs = loss_module.targets(teacher[targets], 0.05, logit_sum=teacher[valid].sum(0), num_tokens=int(valid.sum()))
    loss = loss_module(student[targets], probs, masked_token_weights(targets, denominator=2))

    def xent(t, s):
        p = torch.softmax(t / 0.05, -1)
        return -(p * torch.log_softmax(s / 0.1, -1)).sum().item()
    first = (xent(teacher[0, 0], student[0, 0]) + xent(teacher[0, 2], student[0, 2])) / 2  # token 3 is padding
    second = xent(teacher[1, 1], student[1, 1])
    assert math.isclose(loss.item(), (first + second) / 2, rel_tol=1e-5)
    real_mean = teacher[valid].mean(0)
    torch.testing.assert_close(loss_module.center.view(-1), 0.5 * real_mean)


def test_probability_centre_averages_centred_teacher_probabilities_over_every_position():
    torch.manual_seed(0)
    teacher = torch.randn(2, 4, 3)
    masked = torch.tensor([[True, False, False, False], [False, True, False, False]])
    loss_module = TextDistillationLoss(out_dim=3, center_momentum=0.9, center='probabilities')
    loss_module.center.fill_(0.2)
    probs = loss_module.targets(teacher[masked], 0.07, all_logits=teacher)
    torch.testing.assert_close(probs, torch.softmax((teacher[masked] - 0.2) / 0.07, -1))
    expected = 0.9 * 0.2 + 0.1 * torch.softmax((teacher - 0.2) / 0.07, -1).mean(dim=(0, 1))  # padding included
    torch.testing.assert_close(loss_module.center.view(-1), expected)
    with pytest.raises(ValueError, match='all_logits'):
        loss_module.targets(teacher[masked], 0.07, logit_sum=teacher.sum((0, 1)), num_tokens=8)
    with pytest.raises(ValueError, match="one of \\('logits', 'probabilities'\\)"):
        TextDistillationLoss(out_dim=3, center='tokens')
