"""Model utilities: pretrained-weight loading (EMA helpers, gathers and masking join here)."""
from .pretrained import HARMONY_PREFIXES, load_backbone_weights, read_state_dict, select_backbone_state

__all__ = ['HARMONY_PREFIXES', 'load_backbone_weights', 'read_state_dict', 'select_backbone_state']
