from .layer_decay_constructor import LayerDecayOptimWrapperConstructor
from .per_parameter_clip import PerParameterClipOptimWrapperConstructor, clip_per_parameter
from .quiet_constructor import QuietOptimWrapperConstructor

__all__ = ['LayerDecayOptimWrapperConstructor', 'PerParameterClipOptimWrapperConstructor',
           'QuietOptimWrapperConstructor', 'clip_per_parameter']
