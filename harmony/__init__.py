"""Harmony: joint vision-language and self-supervised pre-training of ViTs on OpenMMLab 2.x.

Importing the package creates its registries (scope ``harmony``) and installs the local checkpoint loader
(see ``harmony.engine.checkpoint_loading``).
"""
from . import engine, registry  # noqa: F401
from .utils import register_all_modules

__version__ = '0.1.0'
__all__ = ['register_all_modules']
