from .data_position_hook import DataPositionHook
from .harmony_schedule_hook import HarmonyScheduleHook

__all__ = ['DataPositionHook', 'HarmonyScheduleHook']
