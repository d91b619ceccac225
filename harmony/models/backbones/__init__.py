from .harmony_vit import ARCHS, HarmonyViT, resize_pos_embed

__all__ = ['ARCHS', 'HarmonyViT', 'resize_pos_embed']
