"""The FSDP wrapper of Harmony configs (mmengine FlexibleRunner + FSDPStrategy): large towers sharded over ranks."""
import torch
from mmengine.model.wrappers import MMFullyShardedDataParallel
from open_clip.transformer import ResidualAttentionBlock
from torch.distributed.fsdp import FullyShardedDataParallel
from torch.distributed.fsdp.wrap import ModuleWrapPolicy

from harmony.registry import MODEL_WRAPPERS
from ..backbones.vit_layers import Block
from .harmony import Harmony
from .train_step import harmony_train_step

TRANSFORMER_BLOCKS = (Block, ResidualAttentionBlock)


def teacher_parameters_outside_blocks(model):
    """The teachers' parameters that no transformer block holds (embeddings, norms, projections, head MLPs).

    They stay whole on every rank, outside FSDP: a flat parameter that mixed them with the students' (which the
    optimiser updates) would gather the optimiser state with wrong offsets when a checkpoint is written. They are
    never trained, and the EMA updates them identically on every rank."""
    inside = {id(p) for m in model.teacher.modules() if isinstance(m, TRANSFORMER_BLOCKS) for p in m.parameters()}
    return [p for p in model.teacher.parameters() if id(p) not in inside]


@MODEL_WRAPPERS.register_module()
class HarmonyFullyShardedDataParallel(MMFullyShardedDataParallel):
    """mmengine's FSDP wrapper, made to fit Harmony.

    - Units: every transformer block (image towers, MAE/MLM decoders, text towers; students and teachers) is its
      own FSDP unit; the students' other parameters (embeddings, norms, projections, heads' MLPs, logit scale)
      form the root unit; the teachers' other parameters stay whole on every rank
      (`teacher_parameters_outside_blocks`). Teacher and student blocks are identical units, so their local
      shards hold the same elements: the EMA pairs them shard by shard, with the root unit gathered
      (`update_teacher`).
    - Step: `harmony_train_step` (teachers, the student passes and zero-shot prediction all run through the
      root's forward, which gathers the root unit; the EMA through `update_teacher`), non-finite updates
      skipped; one backward
      (`sequential_backward` is refused).
    - Gradient clipping: the optimiser wrapper's `clip_grad` is computed over the sharded gradients of all ranks
      (FSDP's `clip_grad_norm_`), not over each rank's shard.
    - Without CUDA the shards live on CPU (gloo), which is how the tests run it.
    """

    def __init__(self, module, device_id=None, auto_wrap_policy=None, **kwargs):
        if not isinstance(module, Harmony):
            raise TypeError(f'HarmonyFullyShardedDataParallel wraps a Harmony model, got {type(module).__name__}')
        if module.sequential_backward:
            raise ValueError('model.sequential_backward=True does not work with FSDP (no_sync between the pass '
                             'backwards keeps unsharded gradients on every rank, and FSDP rejects the second '
                             'backward): set model.sequential_backward=False, as configs/_base_/strategies/fsdp.py '
                             'does, and use model.backbone.with_cp=True to save activation memory')
        if auto_wrap_policy is None:
            auto_wrap_policy = ModuleWrapPolicy(set(TRANSFORMER_BLOCKS))
        if not torch.cuda.is_available():
            device_id = torch.device('cpu')
        super().__init__(module, device_id=device_id, auto_wrap_policy=auto_wrap_policy,
                         ignored_states=teacher_parameters_outside_blocks(module), **kwargs)

    def train_step(self, data, optim_wrapper):
        clip = getattr(optim_wrapper, 'clip_func', None)
        if clip is torch.nn.utils.clip_grad_norm_:
            optim_wrapper.clip_func = lambda params, **kwargs: self.clip_grad_norm_(**kwargs)
        return harmony_train_step(self, self.module, data, optim_wrapper, no_sync=self.no_sync,
                                  update_teacher=self.update_teacher)

    def update_teacher(self, momentum):
        """EMA of the teachers with the root unit's parameters gathered (the blocks' shards align)."""
        with FullyShardedDataParallel.summon_full_params(self, recurse=False, writeback=True):
            self.module.update_teacher(momentum)

    def full_parameters(self):
        """Context with every parameter gathered (zero-shot prompt encoding outside the forward)."""
        return FullyShardedDataParallel.summon_full_params(self, writeback=False)
