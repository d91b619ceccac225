"""Model utilities: pretrained-weight loading, EMA, collectives, position embeddings."""
from .distributed import gather_with_grad, world_info
from .ema import ema_update
from .pos_embed import pos_embed_side, resize_pos_embed, sincos_2d_pos_embed
from .pretrained import (HARMONY_PREFIXES, load_backbone_weights, read_checkpoint, read_state_dict,
                         select_backbone_state)

__all__ = ['HARMONY_PREFIXES', 'ema_update', 'gather_with_grad', 'load_backbone_weights', 'pos_embed_side',
           'read_checkpoint', 'read_state_dict', 'resize_pos_embed', 'select_backbone_state', 'sincos_2d_pos_embed',
           'world_info']
