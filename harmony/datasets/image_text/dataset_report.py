"""What a configured pre-training set holds: pairs, bad samples by reason, caption lengths, image sizes."""
from collections import Counter

import numpy as np

from harmony.utils.tokenizer import CaptionTokenizer
from ..bad_samples import BadSample

LENGTH_BINS = (1, 5, 10, 20, 30, 50, 77)  # BPE tokens without SOT/EOT; 76+ are cut at context length 77


class DatasetReport:
    """Accumulates `(key, pair or BadSample)` results (the datasets' `decoded()`) into a summary."""

    def __init__(self, max_listed_bad=20):
        self.bpe = CaptionTokenizer().bpe
        self.good, self.bad, self.bad_keys = 0, Counter(), []
        self.caption_tokens, self.widths, self.heights = [], [], []
        self.max_listed_bad = max_listed_bad

    def add(self, key, result):
        if isinstance(result, BadSample):
            self.bad[result.reason] += 1
            if len(self.bad_keys) < self.max_listed_bad:
                self.bad_keys.append(f'{key}: {result}')
            return
        self.good += 1
        self.caption_tokens.append(len(self.bpe.encode(result['caption'])))
        self.widths.append(result['img'].width)
        self.heights.append(result['img'].height)

    def summary(self):
        total = self.good + sum(self.bad.values())
        tokens = np.array(self.caption_tokens or [0])
        edges = list(LENGTH_BINS) + [np.inf]
        histogram = {f'{lo}-{hi - 1}' if hi != np.inf else f'{lo}+': int(((tokens >= lo) & (tokens < hi)).sum())
                     for lo, hi in zip(edges[:-1], edges[1:])}
        histogram = {'0': int((tokens == 0).sum()) if self.caption_tokens else 0, **histogram}

        def stats(values):
            values = np.array(values or [0])
            return dict(min=int(values.min()), median=float(np.median(values)), mean=round(float(values.mean()), 1),
                        max=int(values.max()))

        return dict(samples=total, good=self.good, bad=sum(self.bad.values()),
                    bad_fraction=round(sum(self.bad.values()) / max(total, 1), 6), bad_by_reason=dict(self.bad),
                    first_bad=self.bad_keys, caption_tokens=dict(stats(self.caption_tokens), histogram=histogram),
                    image_width=stats(self.widths), image_height=stats(self.heights))
