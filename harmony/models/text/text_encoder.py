"""The CLIP text tower of Harmony, built from open_clip's TextTransformer (so it exports to open_clip as is)."""
from open_clip.transformer import TextTransformer

from harmony.registry import MODELS


@MODELS.register_module()
class HarmonyTextEncoder(TextTransformer):
    """Causal text transformer (CLIP: width 512, 8 heads, 12 layers, context 77) with a linear projection.

    Pooling takes the EOT token by its id ('eos'), not CLIP's argmax of the ids: the [MASK] id (49408) is larger
    than EOT (49407), so argmax would pool a mask token on masked captions.

    forward(text [B, L]) -> (pooled [B, embed_dim], tokens [B, L, width]); L may be shorter than the context.
    """

    def __init__(self, context_length=77, vocab_size=49409, width=512, heads=8, layers=12, embed_dim=512,
                 eos_id=49407):
        super().__init__(context_length=context_length, vocab_size=vocab_size, width=width, heads=heads,
                         layers=layers, output_dim=embed_dim, pool_type='eos', eos_id=eos_id, output_tokens=True)
        self.config = dict(context_length=context_length, vocab_size=vocab_size, width=width, heads=heads,
                           layers=layers, embed_dim=embed_dim, eos_id=eos_id)

    def _embeds(self, text):
        """open_clip's embedding, with the causal mask cut to the batch's length (captions trimmed to the longest)."""
        x, attn_mask = super()._embeds(text)
        if attn_mask is not None and attn_mask.dim() == 2:
            attn_mask = attn_mask[:text.shape[1], :text.shape[1]]
        return x, attn_mask
