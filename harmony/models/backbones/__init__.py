from .harmony_vit import ARCHS, HarmonyViT

__all__ = ['ARCHS', 'HarmonyViT']
