"""Caption tokenisation with MLM masking, in the data workers."""
import numpy as np
from mmcv.transforms import BaseTransform

from harmony.registry import TRANSFORMS
from harmony.utils.tokenizer import CaptionTokenizer

MLM_MASKINGS = ('exact', 'bernoulli')


@TRANSFORMS.register_module()
class TokenizeCaption(BaseTransform):
    """`caption` -> `text` [L] (ids), `masked_text` [L] (the masked real tokens set to [MASK]) and `mlm_mask`
    [L] bool (the masked positions). Start, end and padding tokens are never masked; the draws come from numpy's
    global RNG.

    Args:
        context_length: L.
        mlm_ratio: the share of real tokens to mask.
        mlm_masking: 'exact': round(mlm_ratio x n) of the n real tokens, at least one per non-empty caption;
            'bernoulli' (the reference's): each real token independently with probability `mlm_ratio`, so a
            caption may have none masked.
    """

    def __init__(self, context_length=77, mlm_ratio=0.2, mlm_masking='exact'):
        if mlm_masking not in MLM_MASKINGS:
            raise ValueError(f'mlm_masking must be one of {MLM_MASKINGS}, got {mlm_masking!r}')
        self.tokenizer = CaptionTokenizer(context_length)
        self.mlm_ratio, self.mlm_masking = mlm_ratio, mlm_masking

    def transform(self, results):
        ids = self.tokenizer(results['caption'])[0].numpy()
        real = np.flatnonzero((ids != self.tokenizer.pad_id) & (ids != self.tokenizer.sot_id)
                              & (ids != self.tokenizer.eot_id))
        mask = np.zeros_like(ids, dtype=bool)
        if self.mlm_masking == 'bernoulli':
            mask[real] = np.random.random_sample(len(real)) < self.mlm_ratio
        elif len(real):
            chosen = np.random.choice(real, max(1, int(round(self.mlm_ratio * len(real)))), replace=False)
            mask[chosen] = True
        results['text'] = ids
        results['masked_text'] = np.where(mask, self.tokenizer.mask_id, ids)
        results['mlm_mask'] = mask
        return results
