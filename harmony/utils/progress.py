"""Progress of a long loop: mmengine's ProgressBar on a terminal, a few plain lines anywhere else."""
import sys
import time

from mmengine.utils import ProgressBar


class LineProgress:
    """ProgressBar's `update` for output that is not a terminal (a log file, a pipe), where the bar's carriage
    returns would make one line that grows without end: a line `label done/total (p %), elapsed Ns, ETA Ns` when
    another `1/lines` of `total` is done and `interval` seconds have passed since the last one, and at the end;
    so at most `lines` lines for the whole loop, one for a loop shorter than `interval`."""

    def __init__(self, total, label='', lines=10, interval=10.0, file=None):
        self.total, self.label, self.lines, self.interval = total, label, lines, interval
        self.file = file or sys.stdout
        self.completed, self.reported, self.start = 0, 0, time.monotonic()
        self.last = self.start

    def update(self, num_tasks=1):
        self.completed += num_tasks
        total, now = max(self.total, 1), time.monotonic()
        step = self.completed * self.lines // total
        if step > self.reported and (now - self.last >= self.interval or self.completed >= total):
            self.reported, self.last = step, now
            elapsed = now - self.start
            eta = elapsed * max(total - self.completed, 0) / self.completed
            self.file.write(f'{self.label}{self.completed}/{self.total} ({100 * self.completed / total:.0f} %), '
                            f'elapsed {elapsed:.0f}s, ETA {eta:.0f}s\n')
            self.file.flush()


def progress_bar(total, label='', file=None):
    """A progress display with `update(num_tasks=1)` for `total` tasks: mmengine's ProgressBar when `file`
    (default: standard output) is a terminal, else `LineProgress`. `label` names the loop ('COCO val2017: ')."""
    file = file or sys.stdout
    if getattr(file, 'isatty', lambda: False)():
        if label:
            print(label, file=file, flush=True)
        return ProgressBar(total, file=file)
    return LineProgress(total, label, file=file)
