"""Attention of the CLS token over the patches in the last block of a HarmonyViT, per head (DINO's maps)."""
import torch


@torch.no_grad()
def cls_attention(backbone, images):
    """images [B, 3, H, W] (normalised) -> [B, heads, h, w]: softmax(q_cls k^T / sqrt(d)) over the patch keys.

    The blocks run as in the forward pass (fused attention); only the last block's CLS query is recomputed with
    explicit weights, so nothing else pays for attention maps.
    """
    tokens, grid = backbone.embed(images)
    for block in backbone.blocks[:-1]:
        tokens = block(tokens)
    last = backbone.blocks[-1]
    x = last.norm1(tokens)
    B, L, C = x.shape
    heads = last.attn.num_heads
    q, k, _ = last.attn.qkv(x).reshape(B, L, 3, heads, C // heads).permute(2, 0, 3, 1, 4)  # [B, heads, L, d]
    weights = (q[:, :, :1] @ k.transpose(-2, -1) * (C // heads) ** -0.5).softmax(-1)  # [B, heads, 1, L]
    return weights[:, :, 0, 1:].reshape(B, heads, *grid)
