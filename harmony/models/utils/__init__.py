"""Model utilities: pretrained-weight loading, EMA, collectives."""
from .distributed import gather_with_grad, world_info
from .ema import ema_update
from .pretrained import (HARMONY_PREFIXES, load_backbone_weights, read_checkpoint, read_state_dict,
                         select_backbone_state)

__all__ = ['HARMONY_PREFIXES', 'ema_update', 'gather_with_grad', 'load_backbone_weights', 'read_checkpoint',
           'read_state_dict', 'select_backbone_state', 'world_info']
