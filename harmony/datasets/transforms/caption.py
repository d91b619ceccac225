"""Caption tokenisation with MLM masking, in the data workers."""
import numpy as np
from mmcv.transforms import BaseTransform

from harmony.models.text import CaptionTokenizer
from harmony.registry import TRANSFORMS


@TRANSFORMS.register_module()
class TokenizeCaption(BaseTransform):
    """`caption` -> `text` [L] (ids), `masked_text` [L] (with `mlm_ratio` of the real tokens set to [MASK]) and
    `mlm_mask` [L] bool (the masked positions; at least one per non-empty caption)."""

    def __init__(self, context_length=77, mlm_ratio=0.2):
        self.tokenizer = CaptionTokenizer(context_length)
        self.mlm_ratio = mlm_ratio

    def transform(self, results):
        ids = self.tokenizer(results['caption'])[0].numpy()
        real = np.flatnonzero((ids != self.tokenizer.pad_id) & (ids != self.tokenizer.sot_id)
                              & (ids != self.tokenizer.eot_id))
        mask = np.zeros_like(ids, dtype=bool)
        if len(real):
            chosen = np.random.choice(real, max(1, int(round(self.mlm_ratio * len(real)))), replace=False)
            mask[chosen] = True
        results['text'] = ids
        results['masked_text'] = np.where(mask, self.tokenizer.mask_id, ids)
        results['mlm_mask'] = mask
        return results
