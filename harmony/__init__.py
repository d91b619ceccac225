"""Harmony: joint vision-language and self-supervised pre-training of ViTs on OpenMMLab 2.x.

Importing the package creates its registries (scope ``harmony``) and installs the local checkpoint loader
(see ``harmony.engine.checkpoint_loading``).
"""
import warnings

# mmengine and mmcv import pkg_resources (hence setuptools<81); its deprecation warning says nothing actionable.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated', category=UserWarning)

from . import engine, registry  # noqa: E402,F401
from .utils import register_all_modules  # noqa: E402

__version__ = '0.1.0'
__all__ = ['register_all_modules']
