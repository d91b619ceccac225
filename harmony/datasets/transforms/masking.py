"""Patch masks made in the data workers: iBOT's blockwise masks and MAE's random patch order."""
import math

import numpy as np
from mmcv.transforms import BaseTransform

from harmony.registry import TRANSFORMS


def blockwise_mask(rng, grid, num_masked, min_block=4, aspect=(0.3, 1 / 0.3)):
    """Bool mask [h, w] with at most (in practice exactly) `num_masked` patches covered by random rectangles of
    at least about `min_block` patches (BEiT/iBOT blockwise: a rectangle is kept only if it adds no more patches
    than remain to be masked)."""
    h, w = grid
    mask = np.zeros((h, w), dtype=bool)
    log_aspect = (math.log(aspect[0]), math.log(aspect[1]))
    for _ in range(100):
        remaining = num_masked - int(mask.sum())
        if remaining <= 0:
            break
        area = rng.uniform(min(min_block, remaining), max(min_block, remaining))
        ratio = math.exp(rng.uniform(*log_aspect))
        bh, bw = int(round(math.sqrt(area * ratio))), int(round(math.sqrt(area / ratio)))
        if not (0 < bh <= h and 0 < bw <= w):
            continue
        top, left = rng.integers(0, h - bh + 1), rng.integers(0, w - bw + 1)
        block = mask[top:top + bh, left:left + bw]
        new = (~block).sum()
        if 0 < new <= remaining:
            block[...] = True
    return mask


@TRANSFORMS.register_module()
class BlockwiseMasks(BaseTransform):
    """iBOT masks for each global crop: with probability `mask_probability` a ratio drawn from `ratio_range`,
    else no mask (the paper's `choice([0, U(0.1, 0.5)])` per crop), in rectangles of at least `min_block` patches
    (16, iBOT's and the reference's, for a 14x14 grid).

    Adds `ibot_masks` [G, h*w] bool (h, w = crop size // patch size).
    """

    def __init__(self, patch_size=16, ratio_range=(0.1, 0.5), mask_probability=0.5, min_block=16):
        self.patch_size, self.ratio_range = patch_size, ratio_range
        self.mask_probability, self.min_block = mask_probability, min_block

    def transform(self, results):
        rng = np.random.default_rng(np.random.randint(2 ** 31))
        masks = []
        for crop in results['global_crops']:
            grid = (crop.shape[-2] // self.patch_size, crop.shape[-1] // self.patch_size)
            ratio = rng.uniform(*self.ratio_range) if rng.random() < self.mask_probability else 0.0
            masks.append(blockwise_mask(rng, grid, int(round(ratio * grid[0] * grid[1])), self.min_block).ravel())
        results['ibot_masks'] = np.stack(masks)
        return results


@TRANSFORMS.register_module()
class PatchShuffle(BaseTransform):
    """A random patch order for MAE per global crop; the model keeps the first (1 - mae_ratio) of it.

    Adds `mae_shuffle` [G, N] int64 (a permutation of the patches) and `mae_restore` [G, N], its inverse (puts
    [kept..., dropped...] back in image order).
    """

    def __init__(self, patch_size=16):
        self.patch_size = patch_size

    def transform(self, results):
        shuffles = []
        for crop in results['global_crops']:
            n = (crop.shape[-2] // self.patch_size) * (crop.shape[-1] // self.patch_size)
            shuffles.append(np.random.permutation(n))
        shuffles = np.stack(shuffles).astype(np.int64)
        results['mae_shuffle'] = shuffles
        results['mae_restore'] = np.argsort(shuffles, axis=1)
        return results
