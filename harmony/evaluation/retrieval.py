"""Image-text retrieval recall (R@K, both directions) on a caption set with several captions per image."""
import torch
from mmengine.evaluator import BaseMetric

from harmony.registry import METRICS


def retrieval_recall(images, texts_per_image, ks=(1, 5, 10)):
    """images [N, D] and a list of N caption-embedding tensors [T_i, D] (unit norm) -> recall in %.

    Image -> text: an image counts at K when its best-ranked own caption is among the K most similar captions.
    Text -> image: a caption counts at K when its image is among the K most similar images.
    """
    texts = torch.cat(texts_per_image)  # [T, D]
    owner = torch.repeat_interleave(torch.arange(len(images)), torch.tensor([len(t) for t in texts_per_image]))
    similarity = images @ texts.T  # [N, T]
    own = owner[None, :] == torch.arange(len(images))[:, None]  # [N, T]
    best_own = similarity.masked_fill(~own, float('-inf')).max(dim=1, keepdim=True).values  # [N, 1]
    image_rank = (similarity > best_own).sum(dim=1)  # captions ranked above the best own one
    text_rank = (similarity > similarity[owner, torch.arange(len(texts))][None, :]).sum(dim=0)
    metrics = {}
    for k in ks:
        metrics[f'i2t_R@{k}'] = 100.0 * (image_rank < k).float().mean().item()
        metrics[f't2i_R@{k}'] = 100.0 * (text_rank < k).float().mean().item()
    metrics['mean_R'] = sum(metrics.values()) / len(metrics)
    return metrics


@METRICS.register_module()
class ImageTextRetrieval(BaseMetric):
    """Recall@K of image->text and text->image retrieval over the whole evaluation set (all ranks gathered).

    Expects data samples with `image_embedding` [D] and `text_embeddings` [T_i, D] (Harmony's predict mode on
    a caption set: KarpathyCaptions with mmpretrain's PackInputs(algorithm_keys=['text'])).
    """

    default_prefix = 'retrieval'

    def __init__(self, ks=(1, 5, 10), collect_device='cpu', prefix=None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ks = tuple(ks)

    def process(self, data_batch, data_samples):
        for sample in data_samples:
            self.results.append(dict(image=sample['image_embedding'].cpu(), texts=sample['text_embeddings'].cpu()))

    def compute_metrics(self, results):
        if not results:
            raise ValueError('retrieval got no sample: is the evaluation split empty?')
        images = torch.stack([r['image'] for r in results])
        return retrieval_recall(images, [r['texts'] for r in results], self.ks)
