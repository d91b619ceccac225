"""Bad web samples: skipped, counted by reason, reported at a limited rate, fatal above a configured fraction."""
import time
from collections import Counter

from mmengine.logging import print_log
from torch.utils.data import get_worker_info

REASONS = ('missing image', 'empty image file', 'unreadable image', 'truncated image', 'missing caption',
           'non-UTF-8 caption', 'empty caption', 'bad metadata', 'corrupt shard')


class BadSample(Exception):
    """A sample that cannot be used; `reason` is one of REASONS."""

    def __init__(self, reason, detail=''):
        assert reason in REASONS, reason
        super().__init__(f'{reason}: {detail}' if detail else reason)
        self.reason = reason


class TooManyBadSamples(RuntimeError):
    pass


class BadSampleLog:
    """Counts good and bad samples of one process (a data worker) and reports the bad ones.

    A summary (count by reason since the last report, totals, last offending key) is logged at most every
    `report_interval` seconds. Once at least `min_samples` were read, a bad fraction above `max_bad_fraction`
    raises TooManyBadSamples: a wrong root or a broken download should stop the run, not train on what is left.
    """

    def __init__(self, name, max_bad_fraction=0.05, min_samples=1000, report_interval=60.0):
        if not 0 <= max_bad_fraction <= 1:
            raise ValueError(f'max_bad_fraction must be in [0, 1], got {max_bad_fraction}')
        self.name, self.max_bad_fraction = name, max_bad_fraction
        self.min_samples, self.report_interval = min_samples, report_interval
        self.good, self.bad, self.recent = 0, Counter(), Counter()
        self.last_report, self.last_key = time.monotonic(), None

    @property
    def total(self):
        return self.good + sum(self.bad.values())

    def record_good(self):
        self.good += 1

    def record_bad(self, error, key):
        self.bad[error.reason] += 1
        self.recent[error.reason] += 1
        self.last_key = f'{key} ({error})'
        bad = sum(self.bad.values())
        if self.total >= self.min_samples and bad > self.max_bad_fraction * self.total:
            raise TooManyBadSamples(
                f'{self.where}: {bad} of {self.total} samples are bad ({self._reasons(self.bad)}), above '
                f'max_bad_fraction={self.max_bad_fraction}; last: {self.last_key}. Check the data root and the '
                'download (tools/data/check_dataset.py CONFIG lists every bad sample), or raise max_bad_fraction '
                'in the dataset config if this source really is that noisy.')
        if time.monotonic() - self.last_report >= self.report_interval:
            self.report()

    def report(self):
        """Log the bad samples since the last report (nothing when there were none)."""
        if self.recent:
            print_log(f'{self.where}: skipped {sum(self.recent.values())} bad samples ({self._reasons(self.recent)}); '
                      f'{sum(self.bad.values())} of {self.total} so far; last: {self.last_key}',
                      logger='current', level=30)
        self.recent.clear()
        self.last_report = time.monotonic()

    @property
    def where(self):
        worker = get_worker_info()
        return f'{self.name} (data worker {worker.id})' if worker else self.name

    @staticmethod
    def _reasons(counter):
        return ', '.join(f'{reason}: {count}' for reason, count in counter.most_common())
