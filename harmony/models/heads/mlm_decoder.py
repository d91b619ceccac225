"""Decoder for masked language modelling: a few transformer blocks over the text tokens + a vocabulary layer."""
import torch
import torch.nn as nn

from harmony.registry import MODELS
from ..backbones.vit_layers import Block
from ..text.activations import ACTIVATIONS


@MODELS.register_module()
class MLMDecoder(nn.Module):
    """Text tokens [B, L, width] -> vocabulary logits at the masked positions only [M, vocab_size].

    Computing 49,409-way logits at the ~20 % masked tokens instead of all 77 positions is most of the head's cost.

    Args:
        causal: each token attends to itself and the tokens before it (the reference), else to every real token.
        act: 'quick_gelu' (x * sigmoid(1.702 x), as CLIP's text tower and the reference) or 'gelu'.
        norm_eps: LayerNorm epsilon of the blocks and the final norm.
    """

    def __init__(self, width=512, depth=4, num_heads=8, vocab_size=49409, causal=True, act='quick_gelu',
                 norm_eps=1e-5):
        super().__init__()
        if act not in ACTIVATIONS:
            raise ValueError(f'mlm_decoder.act must be one of {sorted(ACTIVATIONS)}, got {act!r}')
        self.causal = causal
        self.blocks = nn.ModuleList(Block(width, num_heads, norm_eps=norm_eps, act_layer=ACTIVATIONS[act])
                                    for _ in range(depth))
        self.norm = nn.LayerNorm(width, eps=norm_eps)
        self.vocab = nn.Linear(width, vocab_size)

    def forward(self, tokens, mask, valid):
        """tokens [B, L, width]; mask [B, L] bool (positions to predict); valid [B, L] bool (real tokens, the
        only keys attended to) -> logits [M, vocab_size] in mask.nonzero() order."""
        attn_mask = valid[:, None, None, :]  # [B, 1, 1, L]
        if self.causal:
            length = tokens.shape[1]
            attn_mask = attn_mask & torch.ones(length, length, dtype=torch.bool, device=tokens.device).tril()
        for block in self.blocks:
            tokens = block(tokens, attn_mask)
        return self.vocab(self.norm(tokens)[mask])
