from .text_encoder import HarmonyTextEncoder

__all__ = ['HarmonyTextEncoder']
