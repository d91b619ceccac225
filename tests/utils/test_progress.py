"""Progress output: mmengine's bar on a terminal, a bounded number of whole lines anywhere else."""
import io

from mmengine.utils import ProgressBar

from harmony.utils import progress
from harmony.utils.progress import LineProgress, progress_bar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_line_per_tenth_of_the_work_and_no_carriage_return(monkeypatch):
    clock = iter(range(0, 100000, 20))  # 20 s per call of time.monotonic: every tenth is due
    monkeypatch.setattr(progress.time, 'monotonic', lambda: next(clock))
    out = io.StringIO()
    bar = LineProgress(1000, 'pairs: ', file=out)
    for _ in range(1000):
        bar.update()
    lines = out.getvalue().splitlines()
    assert '\r' not in out.getvalue() and out.getvalue().endswith('\n')
    assert [line.split(' (')[0] for line in lines] == [f'pairs: {n}/1000' for n in range(100, 1001, 100)]
    assert lines[-1] == 'pairs: 1000/1000 (100 %), elapsed 20000s, ETA 0s'


def test_a_fast_loop_writes_only_its_last_line():
    out = io.StringIO()
    bar = LineProgress(50, file=out)  # done well within the 10 s between lines
    for _ in range(10):
        bar.update(5)
    assert out.getvalue().splitlines() == [out.getvalue().strip()] and out.getvalue().startswith('50/50 (100 %)')


def test_the_bar_on_a_terminal_and_lines_elsewhere():
    terminal, log = Terminal(), io.StringIO()
    assert isinstance(progress_bar(3, 'images: ', file=terminal), ProgressBar)
    assert terminal.getvalue().startswith('images: \n[')
    bar = progress_bar(3, 'images: ', file=log)
    assert isinstance(bar, LineProgress) and log.getvalue() == ''
    bar.update(3)
    assert log.getvalue().startswith('images: 3/3 (100 %)')
