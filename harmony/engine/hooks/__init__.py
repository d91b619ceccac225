from .data_position_hook import DataPositionHook
from .finite_checkpoint_hook import FiniteCheckpointHook
from .harmony_schedule_hook import HarmonyScheduleHook
from .keyed_randomness_hook import KeyedRandomnessHook
from .reconstruction_hook import MAEReconstructionHook
from .zero_shot_hook import ZeroShotHook

__all__ = ['DataPositionHook', 'FiniteCheckpointHook', 'HarmonyScheduleHook', 'KeyedRandomnessHook',
           'MAEReconstructionHook', 'ZeroShotHook']
