from .text_encoder import HarmonyTextEncoder
from .tokenizer import CaptionTokenizer, tokenize

__all__ = ['CaptionTokenizer', 'HarmonyTextEncoder', 'tokenize']
