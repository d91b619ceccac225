"""The scheduled values a Harmony step reads."""
from dataclasses import dataclass


@dataclass
class ScheduledValues:
    """Set before each iteration by `HarmonyScheduleHook` through `Harmony.set_schedule`; these defaults hold
    without it.

    momentum: teacher EMA momentum of this step's update; hard_weight: weight of CLIP's one-hot targets;
    teacher_temperature: iBOT class-token teacher temperature; teacher_patch_temperature: iBOT patch and text
    distillation teacher temperature; freeze_last_layer: the iBOT head's last layer is not updated.
    """

    momentum: float = 0.996
    hard_weight: float = 1.0
    teacher_temperature: float = 0.04
    teacher_patch_temperature: float = 0.04
    freeze_last_layer: bool = False
