from .data_position_hook import DataPositionHook
from .harmony_schedule_hook import HarmonyScheduleHook
from .reconstruction_hook import MAEReconstructionHook
from .zero_shot_hook import ZeroShotHook

__all__ = ['DataPositionHook', 'HarmonyScheduleHook', 'MAEReconstructionHook', 'ZeroShotHook']
