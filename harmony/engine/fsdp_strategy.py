"""mmengine's FSDPStrategy, refusing to resume until the optimiser state survives the round trip."""
from mmengine._strategy import FSDPStrategy

from harmony.registry import STRATEGIES


@STRATEGIES.register_module()
class HarmonyFSDPStrategy(FSDPStrategy):
    """FSDPStrategy that stops a resume instead of continuing with a wrong optimiser state.

    Measured with mmengine 0.10.7 and torch 2.14 (2 CPU processes, the demo config): the weights and centres of
    a full checkpoint load exactly (the first resumed step has the uninterrupted run's losses to the last bit),
    but the first optimiser update after the resume differs from the uninterrupted run's for every parameter,
    although the AdamW moments written in the next checkpoint are identical: the optimiser state that reaches the
    parameters is not the one that was saved. (mmengine's own `load_optim_state_dict` also passes torch 1.x's
    argument order to `FSDP.optim_state_dict_to_load` and fails outright.) Until that is fixed, a resume raises.
    """

    def load_optim_state_dict(self, state_dict):
        raise RuntimeError(
            'resuming an FSDP run is not supported yet: the optimiser state does not come back exactly through '
            'FSDP\'s full optimiser state dict (see harmony/engine/fsdp_strategy.py). The checkpoint\'s weights '
            'are complete: export them (tools/export_backbone.py) or load them with load_from to start a new run, '
            'or continue with the DDP config (without the FSDP strategy), whose resume is exact')
