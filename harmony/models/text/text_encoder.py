"""The CLIP text tower of Harmony, built from open_clip's TextTransformer (so it exports to open_clip as is)."""
from open_clip.transformer import TextTransformer, text_global_pool

from harmony.registry import MODELS
from .activations import ACTIVATIONS

TOKEN_FEATURES = ('pre_norm', 'final_norm')


@MODELS.register_module()
class HarmonyTextEncoder(TextTransformer):
    """Causal text transformer (CLIP: width 512, 8 heads, 12 layers, context 77) with a linear projection.

    Pooling takes the EOT token by its id ('eos'), not CLIP's argmax of the ids: the [MASK] id (49408) is larger
    than EOT (49407), so argmax would pool a mask token on masked captions.

    Args:
        act: 'quick_gelu' (OpenAI CLIP, the reference) or 'gelu'. LayerNorm eps is 1e-5 (open_clip's, CLIP's).
        token_features: the per-token features returned for MLM and text distillation: 'pre_norm' (the last
            block's output, as the reference's heads read it) or 'final_norm' (after the final LayerNorm, which
            the pooled CLIP feature always takes).

    forward(text [B, L]) -> (pooled [B, embed_dim], tokens [B, L, width]); L may be shorter than the context.
    """

    def __init__(self, context_length=77, vocab_size=49409, width=512, heads=8, layers=12, embed_dim=512,
                 eos_id=49407, act='quick_gelu', token_features='pre_norm'):
        if act not in ACTIVATIONS:
            raise ValueError(f'text_encoder.act must be one of {sorted(ACTIVATIONS)}, got {act!r}')
        if token_features not in TOKEN_FEATURES:
            raise ValueError(f'text_encoder.token_features must be one of {TOKEN_FEATURES}, got {token_features!r}')
        super().__init__(context_length=context_length, vocab_size=vocab_size, width=width, heads=heads,
                         layers=layers, output_dim=embed_dim, pool_type='eos', eos_id=eos_id,
                         act_layer=ACTIVATIONS[act])
        self.token_features = token_features
        self.config = dict(context_length=context_length, vocab_size=vocab_size, width=width, heads=heads,
                           layers=layers, embed_dim=embed_dim, eos_id=eos_id, act=act, token_features=token_features)

    def _embeds(self, text):
        """open_clip's embedding, with the causal mask cut to the batch's length (captions trimmed to the longest)."""
        x, attn_mask = super()._embeds(text)
        if attn_mask is not None and attn_mask.dim() == 2:
            attn_mask = attn_mask[:text.shape[1], :text.shape[1]]
        return x, attn_mask

    def forward(self, text):
        x, attn_mask = self._embeds(text)
        x = self.transformer(x, attn_mask=attn_mask)  # [B, L, width], before the final norm
        normed = self.ln_final(x)
        pooled = text_global_pool(normed, text, pool_type='eos', eos_token_id=self.eos_id) @ self.text_projection
        return pooled, x if self.token_features == 'pre_norm' else normed
