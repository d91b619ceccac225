from .layer_decay_constructor import LayerDecayOptimWrapperConstructor
from .per_parameter_clip import PerParameterClipOptimWrapperConstructor, clip_per_parameter

__all__ = ['LayerDecayOptimWrapperConstructor', 'PerParameterClipOptimWrapperConstructor', 'clip_per_parameter']
