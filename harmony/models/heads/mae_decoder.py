"""MAE decoder: visible tokens + mask tokens at fixed sin-cos positions -> per-patch pixel predictions."""
import torch
import torch.nn as nn

from harmony.registry import MODELS
from harmony.utils.tokens import gather_tokens
from ..backbones.vit_layers import Block
from ..utils.pos_embed import sincos_2d_pos_embed


@MODELS.register_module()
class MAEDecoder(nn.Module):
    """Lightweight transformer decoder of MAE (8 blocks, width 512, 16 heads in the paper).

    Args:
        in_dims: encoder width. patch_size, in_channels: what each output row reconstructs (p*p*C values).
        pos_embed: 'sincos' (fixed 2-D sine-cosine, as MAE) or 'zeros' — the Harmony reference code never
            initialises its decoder position embedding, so every mask token gets the same input and the same
            prediction; 'zeros' reproduces that for comparison only.
        norm_eps: LayerNorm epsilon of the blocks and the final norm (1e-6; the reference's 1e-5).
    """

    def __init__(self, in_dims, patch_size=16, in_channels=3, dims=512, depth=8, num_heads=16, mlp_ratio=4.0,
                 pos_embed='sincos', norm_eps=1e-6):
        super().__init__()
        if pos_embed not in ('sincos', 'zeros'):
            raise ValueError(f"pos_embed must be 'sincos' or 'zeros', got {pos_embed!r}")
        self.dims, self.pos_embed_type = dims, pos_embed
        self.embed = nn.Linear(in_dims, dims)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dims))
        self.blocks = nn.ModuleList(Block(dims, num_heads, mlp_ratio, norm_eps=norm_eps) for _ in range(depth))
        self.norm = nn.LayerNorm(dims, eps=norm_eps)
        self.predict = nn.Linear(dims, patch_size * patch_size * in_channels)
        nn.init.normal_(self.mask_token, std=0.02)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def position_embedding(self, grid, device):
        if self.pos_embed_type == 'zeros':
            return torch.zeros(1, 1 + grid[0] * grid[1], self.dims, device=device)
        return sincos_2d_pos_embed(*grid, self.dims).to(device)

    def forward(self, visible, restore_ids, grid, predict=None):
        """visible [B, 1+K, C] (CLS first, encoder order of kept patches); restore_ids [B, N] puts the sequence
        [kept..., masked...] back in image order; grid (h, w) with h*w = N. Returns predictions [B, N, p*p*C],
        or with `predict` [B, Q] (patch indices) only those [B, Q, p*p*C] (the last block computes no other
        token)."""
        x = self.embed(visible)
        B, N = restore_ids.shape
        masked = self.mask_token.expand(B, N + 1 - x.shape[1], -1)
        patches = torch.cat([x[:, 1:], masked], dim=1)
        patches = gather_tokens(patches, restore_ids)
        x = torch.cat([x[:, :1], patches], dim=1) + self.position_embedding(grid, x.device).to(x.dtype)
        for block in self.blocks[:-1]:
            x = block(x)
        if predict is None:
            return self.predict(self.norm(self.blocks[-1](x)))[:, 1:]
        return self.predict(self.norm(self.blocks[-1](x, queries=predict + 1)))  # +1: CLS comes first
