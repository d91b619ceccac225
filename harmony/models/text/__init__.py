from .text_encoder import HarmonyTextEncoder
from .tokenizer import CaptionTokenizer

__all__ = ['CaptionTokenizer', 'HarmonyTextEncoder']
