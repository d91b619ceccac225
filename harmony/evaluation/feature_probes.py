"""Frozen-feature probes: kNN (DINO: k=20, temperature-weighted votes) and a linear probe that trains one head
per learning rate in the same pass over cached features and picks the rate on held-out *training* samples."""
import math

import torch
import torch.nn.functional as F
from mmengine.logging import print_log

from harmony.utils.progress import progress_bar


@torch.no_grad()
def extract_features(backbone, loader, data_preprocessor):
    """-> (cls [N, C], mean patch [N, C], labels [N]) of a frozen HarmonyViT over a classification loader."""
    backbone.eval()
    cls, patch, labels = [], [], []
    progress = progress_bar(len(loader.dataset), 'features: ')
    for batch in loader:
        data = data_preprocessor(batch, False)
        tokens = backbone.forward_tokens(data['inputs'])  # [B, 1+N, C]
        cls.append(tokens[:, 0])
        patch.append(tokens[:, 1:].mean(dim=1))
        labels.append(torch.stack([sample.gt_label for sample in data['data_samples']]).flatten())
        progress.update(len(tokens))
    return torch.cat(cls), torch.cat(patch), torch.cat(labels)


def topk_accuracy(scores, labels, ks=(1, 5)):
    """scores [N, K], labels [N] -> {'top1': %, 'top5': %} (k capped at the class count)."""
    ranked = scores.topk(min(max(ks), scores.shape[1]), dim=1).indices  # [N, k]
    hits = ranked == labels[:, None]
    return {f'top{k}': 100.0 * hits[:, :k].any(dim=1).float().mean().item() for k in ks}


@torch.no_grad()
def knn_accuracy(train_features, train_labels, test_features, test_labels, num_classes, k=20, temperature=0.07,
                 chunk=1024):
    """Weighted kNN on L2-normalised features: each of the k nearest training samples votes for its class with
    exp(cosine / temperature). Returns {'top1', 'top5'} in %."""
    train = F.normalize(train_features, dim=1)
    scores = []
    for start in range(0, len(test_features), chunk):
        test = F.normalize(test_features[start:start + chunk], dim=1)
        similarity, index = (test @ train.T).topk(min(k, len(train)), dim=1)  # [n, k]
        votes = torch.zeros(len(test), num_classes, dtype=similarity.dtype)
        votes.scatter_add_(1, train_labels[index], (similarity / temperature).exp())
        scores.append(votes)
    return topk_accuracy(torch.cat(scores), test_labels)


def _train_heads(features, labels, num_classes, lrs, epochs, batch_size, seed):
    """One linear head per learning rate, trained together (SGD, momentum 0.9, cosine) on standardised features."""
    generator = torch.Generator().manual_seed(seed)
    heads = torch.nn.ModuleList(torch.nn.Linear(features.shape[1], num_classes) for _ in lrs)
    for head in heads:
        torch.nn.init.normal_(head.weight, std=0.01, generator=generator)
        torch.nn.init.zeros_(head.bias)
    optimizer = torch.optim.SGD([dict(params=h.parameters(), lr=lr) for h, lr in zip(heads, lrs)], momentum=0.9)
    steps = epochs * math.ceil(len(features) / batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    for _ in range(epochs):
        order = torch.randperm(len(features), generator=generator)
        for start in range(0, len(features), batch_size):
            index = order[start:start + batch_size]
            loss = sum(F.cross_entropy(head(features[index]), labels[index]) for head in heads)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
    return heads


def linear_probe(train_features, train_labels, test_features, test_labels, num_classes,
                 lrs=(1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0), epochs=100, batch_size=256, holdout=0.1, seed=0):
    """Choose the learning rate on `holdout` of the training samples (heads trained on the rest), retrain that
    rate on all training samples, evaluate once on the test split. The test split never selects anything.

    Returns dict(top1, top5, lr, holdout_top1={lr: %}).
    """
    if not 0 < holdout < 1:
        raise ValueError(f'holdout must be a fraction in (0, 1), got {holdout}')
    mean, std = train_features.mean(0), train_features.std(0) + 1e-6  # statistics of the training split only
    train, test = (train_features - mean) / std, (test_features - mean) / std
    order = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))
    held, fit = order[:max(1, int(holdout * len(train)))], order[max(1, int(holdout * len(train))):]
    heads = _train_heads(train[fit], train_labels[fit], num_classes, lrs, epochs, batch_size, seed)
    with torch.no_grad():
        held_top1 = {lr: topk_accuracy(head(train[held]), train_labels[held])['top1'] for lr, head in zip(lrs, heads)}
    best = max(lrs, key=lambda lr: (held_top1[lr], -lr))
    print_log(f'linear probe: held-out top-1 by lr {held_top1}; chosen lr {best}', logger='current')
    head = _train_heads(train, train_labels, num_classes, [best], epochs, batch_size, seed)[0]
    with torch.no_grad():
        result = topk_accuracy(head(test), test_labels)
    return dict(result, lr=best, holdout_top1=held_top1)
