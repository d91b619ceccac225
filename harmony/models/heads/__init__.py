"""Pre-training heads: projection heads (iBOT, text distillation), the MAE decoder, the MLM decoder."""
from .mae_decoder import MAEDecoder
from .mlm_decoder import MLMDecoder
from .projection_head import ProjectionHead

__all__ = ['MAEDecoder', 'MLMDecoder', 'ProjectionHead']
