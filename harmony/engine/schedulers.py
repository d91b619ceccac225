"""Learning-rate schedulers that mmengine lacks."""
from mmengine.optim import LinearLR

from harmony.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class LinearWarmupLR(LinearLR):
    """mmengine's `LinearLR` in closed form, so that it may start from 0 (DINO's warm-up, `start_factor=0`).

    lr at step t of the `end - begin` steps = initial lr x (start_factor + (end_factor - start_factor) x t /
    (end - begin - 1)): `end_factor` is reached at the last step, as mmengine's and `np.linspace` do.
    mmengine's chainable form multiplies the previous lr by a ratio that divides by the start (a
    ZeroDivisionError for `start_factor=0`). Not chainable: other schedulers active on the same steps are
    overridden.
    """

    def _get_value(self):
        factor = self.start_factor + (self.end_factor - self.start_factor) * self.last_step / max(self.total_iters, 1)
        return [base * factor for base in self.base_values]
