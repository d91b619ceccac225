"""Decoder for masked language modelling: a few bidirectional blocks over the text tokens + a vocabulary layer."""
import torch.nn as nn

from harmony.registry import MODELS
from ..backbones.vit_layers import Block


@MODELS.register_module()
class MLMDecoder(nn.Module):
    """Text tokens [B, L, width] -> vocabulary logits at the masked positions only [M, vocab_size].

    Computing 49,409-way logits at the ~20 % masked tokens instead of all 77 positions is most of the head's cost.
    """

    def __init__(self, width=512, depth=4, num_heads=8, vocab_size=49409):
        super().__init__()
        self.blocks = nn.ModuleList(Block(width, num_heads) for _ in range(depth))
        self.norm = nn.LayerNorm(width, eps=1e-6)
        self.vocab = nn.Linear(width, vocab_size)

    def forward(self, tokens, mask, valid):
        """tokens [B, L, width]; mask [B, L] bool (positions to predict); valid [B, L] bool (real tokens, the
        only keys attended to) -> logits [M, vocab_size] in mask.nonzero() order."""
        attn_mask = valid[:, None, None, :]
        for block in self.blocks:
            tokens = block(tokens, attn_mask)
        return self.vocab(self.norm(tokens)[mask])
