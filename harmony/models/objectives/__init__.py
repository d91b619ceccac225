"""Pre-training objectives as units: each builds its student modules and loss, names its teacher modules and turns
student encodings into loss shares (`Objective`)."""
from .base import Objective, StudentPass, TeacherFeatures
from .clip import CLIPObjective
from .encodings import GlobalCropEncoding, LocalCropEncoding, MaskedCaptionEncoding, PairEncoding
from .ibot import IBOTObjective
from .mae import MAEObjective, VisiblePatchEncoding, VisiblePatchPass
from .mlm import MLMObjective
from .text_distillation import TextDistillationObjective

__all__ = ['CLIPObjective', 'GlobalCropEncoding', 'IBOTObjective', 'LocalCropEncoding', 'MAEObjective',
           'MLMObjective', 'MaskedCaptionEncoding', 'Objective', 'PairEncoding', 'StudentPass', 'TeacherFeatures',
           'TextDistillationObjective', 'VisiblePatchEncoding', 'VisiblePatchPass']
