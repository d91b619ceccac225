"""Transformer building blocks of HarmonyViT; parameter names follow timm's ViT, so exports map one to one."""
import torch.nn as nn
import torch.nn.functional as F
from timm.layers import DropPath, Mlp

from harmony.utils.tokens import gather_tokens


class PatchEmbed(nn.Module):
    """Image to patch tokens; pads the right/bottom edge to a multiple of the patch size ('corner' padding)."""

    def __init__(self, patch_size, in_channels, embed_dims):
        super().__init__()
        self.patch_size = patch_size
        self.proj = nn.Conv2d(in_channels, embed_dims, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):  # [B, 3, H, W] -> [B, h*w, C], (h, w)
        pad_h, pad_w = (-x.shape[-2]) % self.patch_size, (-x.shape[-1]) % self.patch_size
        if pad_h or pad_w:
            x = F.pad(x, (0, pad_w, 0, pad_h))
        x = self.proj(x)
        return x.flatten(2).transpose(1, 2), x.shape[-2:]


class Attention(nn.Module):
    """Multi-head self-attention through `scaled_dot_product_attention` (flash/memory-efficient kernels)."""

    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'embed dims {dim} must be divisible by the number of heads {num_heads}')
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, attn_mask=None, queries=None):
        """x [B, L, C]; attn_mask: optional bool [B, 1, 1, L], True where a key may be attended to; queries:
        optional [B, Q] positions that attend (keys and values still come from all L tokens) -> [B, Q, C]."""
        B, L, C = x.shape
        head_dims = C // self.num_heads
        if queries is None:
            q, k, v = self.qkv(x).reshape(B, L, 3, self.num_heads, head_dims).permute(2, 0, 3, 1, 4)
        else:
            weight, bias = self.qkv.weight, self.qkv.bias
            q = F.linear(gather_tokens(x, queries), weight[:C], None if bias is None else bias[:C])
            q = q.reshape(B, -1, self.num_heads, head_dims).transpose(1, 2)
            k, v = F.linear(x, weight[C:], None if bias is None else bias[C:]).reshape(
                B, L, 2, self.num_heads, head_dims).permute(2, 0, 3, 1, 4)
        x = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)  # [B, heads, L or Q, C/heads]
        return self.proj(x.transpose(1, 2).reshape(B, -1, C))


class Block(nn.Module):
    """Pre-norm transformer block: x + DropPath(Attn(LN(x))), then x + DropPath(MLP(LN(x))) (exact GELU by default)."""

    def __init__(self, dim, num_heads, mlp_ratio=4.0, qkv_bias=True, drop_path=0.0, norm_eps=1e-6,
                 act_layer=nn.GELU):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=norm_eps)
        self.attn = Attention(dim, num_heads, qkv_bias)
        self.norm2 = nn.LayerNorm(dim, eps=norm_eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), act_layer=act_layer)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x, attn_mask=None, queries=None):
        """x [B, L, C] -> [B, L, C]; with `queries` [B, Q] (positions), only those tokens are computed (the
        others still serve as keys and values) -> [B, Q, C]: a last block whose other outputs nobody reads."""
        residual = x if queries is None else gather_tokens(x, queries)
        x = residual + self.drop_path(self.attn(self.norm1(x), attn_mask, queries))
        return x + self.drop_path(self.mlp(self.norm2(x)))
