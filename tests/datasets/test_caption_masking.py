"""TokenizeCaption's MLM masking: exactly round(ratio x n) real tokens (at least one), or each real token
independently with the ratio's probability (the reference's), drawn from numpy's global RNG."""
import numpy as np
import pytest

from harmony.datasets.transforms import TokenizeCaption
from harmony.utils.tokenizer import CaptionTokenizer

CAPTION = 'a small red circle to the left of a large blue square'
TOKENIZER = CaptionTokenizer()


def _real(text):
    return (text != TOKENIZER.pad_id) & (text != TOKENIZER.sot_id) & (text != TOKENIZER.eot_id)


def _check(out):
    assert not (out['mlm_mask'] & ~_real(out['text'])).any()  # start, end and padding never masked
    assert (out['masked_text'] == np.where(out['mlm_mask'], TOKENIZER.mask_id, out['text'])).all()


@pytest.mark.parametrize('caption,ratio,count', [(CAPTION, 0.2, 2), (CAPTION, 0.5, 6), ('a red circle', 0.1, 1)])
def test_exact_masks_round_ratio_times_n_at_least_one(caption, ratio, count):
    np.random.seed(0)
    transform = TokenizeCaption(mlm_ratio=ratio)
    for _ in range(20):
        out = transform(dict(caption=caption))
        _check(out)
        assert out['mlm_mask'].sum() == count


def test_bernoulli_masks_each_real_token_with_the_ratio():
    np.random.seed(0)
    transform = TokenizeCaption(mlm_ratio=0.2, mlm_masking='bernoulli')
    masks = []
    for _ in range(1000):
        out = transform(dict(caption=CAPTION))
        _check(out)
        masks.append(out['mlm_mask'])
    real = _real(out['text'])
    n = int(real.sum())
    per_token = np.stack(masks)[:, real].mean(0)  # 1000 draws each: standard deviation 0.013
    assert n == 12 and np.abs(per_token - 0.2).max() < 0.05 and abs(per_token.mean() - 0.2) < 0.015
    counts = np.stack(masks).sum(1)
    assert abs((counts == 0).mean() - 0.8 ** n) < 0.03  # captions without any masked token (6.9%)
    assert counts.max() > 2 * round(0.2 * n)


def test_bernoulli_draws_are_numpys_global_rng():
    transform = TokenizeCaption(mlm_ratio=0.3, mlm_masking='bernoulli')
    np.random.seed(7)
    out = transform(dict(caption=CAPTION))
    np.random.seed(7)
    expected = np.random.random_sample(int(_real(out['text']).sum())) < 0.3
    assert (out['mlm_mask'][_real(out['text'])] == expected).all()


def test_unknown_masking_is_refused():
    with pytest.raises(ValueError, match=r"mlm_masking must be one of \('exact', 'bernoulli'\), got 'uniform'"):
        TokenizeCaption(mlm_masking='uniform')
