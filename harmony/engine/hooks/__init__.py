from .harmony_schedule_hook import HarmonyScheduleHook

__all__ = ['HarmonyScheduleHook']
