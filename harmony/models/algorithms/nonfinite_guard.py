"""Non-finite losses: the update is skipped and logged with its objective; a run of them stops training."""
import math

from mmengine.logging import print_log


class NonFiniteLossError(FloatingPointError):
    """Raised after too many consecutive steps with a non-finite loss."""


class NonFiniteGuard:
    """Decides, from the rank-averaged log values of a step, whether its update may be applied.

    A NaN or inf on any rank reaches every rank through the averaging, so all ranks skip the same steps. The
    caller restores what the skipped step changed outside the optimiser (running centres) and drops its
    gradients; with gradient accumulation, the whole accumulation window of a bad step is dropped.

    Args:
        loss_objectives: loss name -> objective name, e.g. {'loss_ibot_patch': 'ibot'}.
        max_consecutive: this many bad steps in a row stop the run (NonFiniteLossError).
    """

    def __init__(self, loss_objectives, max_consecutive=10):
        if max_consecutive < 1:
            raise ValueError(f'max_consecutive must be >= 1, got {max_consecutive}')
        self.loss_objectives, self.max_consecutive = loss_objectives, max_consecutive
        self.consecutive = 0
        self.window_bad = False

    def bad_losses(self, log_vars):
        """{loss name: value} of the non-finite losses among `log_vars`."""
        return {name: value for name, value in log_vars.items()
                if name in self.loss_objectives and not math.isfinite(value)}

    def record(self, bad):
        """Count a good (empty `bad`) or bad step; log a bad one; raise after `max_consecutive` bad ones."""
        if not bad:
            self.consecutive = 0
            return
        self.consecutive += 1
        self.window_bad = True
        objectives = sorted({self.loss_objectives[name] for name in bad})
        values = ', '.join(f'{name}={value}' for name, value in bad.items())
        if self.consecutive >= self.max_consecutive:
            raise NonFiniteLossError(
                f'{self.consecutive} consecutive steps had non-finite losses (last: {values}; objective(s) '
                f'{objectives}); stopping. Those steps changed no weight, teacher or centre, and the checkpoints '
                'in the work dir predate them. Lower the learning rate or that objective\'s loss weight, or check '
                'the data, then continue with tools/train.py CONFIG --resume')
        print_log(f'non-finite loss in objective(s) {objectives} ({values}): update skipped '
                  f'({self.consecutive} in a row; the run stops at {self.max_consecutive})', logger='current',
                  level=30)
