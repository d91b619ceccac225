"""What every pre-training objective declares, and what a student pass is."""
from dataclasses import dataclass
from typing import Optional

from torch import Tensor


@dataclass
class TeacherFeatures:
    """The EMA teacher towers' outputs of one step, computed once for every objective (None: not built).

    global_tokens: [G*B, 1+N, C] the teacher ViT's tokens of the global crops (view-major);
    text_embedding: [B, D] and text_tokens: [B, T, width] the teacher text tower's outputs on the captions.
    """

    global_tokens: Optional[Tensor] = None
    text_embedding: Optional[Tensor] = None
    text_tokens: Optional[Tensor] = None


class StudentPass:
    """One forward of student towers. `encode(model, batch)` -> the encodings (`encodings.py`) it produced; every
    objective that consumes an encoding's type turns it into loss shares. Passes share no student activations, so a
    step may back-propagate each one before running the next (`Harmony.sequential_backward`)."""

    def encode(self, model, batch):
        raise NotImplementedError


class Objective:
    """One pre-training objective: the student modules it adds, the teacher modules it needs, its teacher targets
    and the loss shares it computes from student encodings.

    Objectives are built from ``model.objectives`` ({name: config}) by the registry and keep no tensors: the
    modules they build become the model's attributes (checkpoint keys such as ``ibot_head.*``), which their
    methods read back from `model`. Scheduled values are in ``model.schedule`` (`ScheduledValues`).

    Class attributes:
        loss_names: the ``loss_*`` entries its shares have.
        consumes: the encoding types whose shares `shares` computes (`encodings.py`).
        needs_text_tower: the model builds ``text_encoder`` for it.
        needs_mask_token: the backbone gets a learnt mask token for it.
    """

    loss_names = ()
    consumes = ()
    needs_text_tower = False
    needs_mask_token = False

    def build(self, model):
        """-> {attribute name: module or parameter} to add to the student (after ``backbone``, ``text_encoder``)."""
        return {}

    def teacher_modules(self):
        """Names of the student modules whose EMA copies (``teacher.<name>``) `targets` reads."""
        return ()

    def running_statistics(self, model):
        """Buffers the step changes outside the optimiser (restored when a step is skipped)."""
        return []

    def frozen_parameters(self, model):
        """Parameters this step must leave unchanged."""
        return []

    def targets(self, model, batch, teacher):
        """Teacher targets of this step from `TeacherFeatures` (no gradient); None when it needs none."""
        return None

    def student_passes(self, model, batch):
        """Passes only this objective reads, run after the shared ones."""
        return []

    def shares(self, model, encoding, batch, targets):
        """{loss name: share} from one encoding of a type in `consumes`; each loss is the sum of its shares."""
        raise NotImplementedError

    def log_values(self, model):
        """Log-only scalars of this objective, {name: tensor}."""
        return {}
