"""HarmonyViT: the one ViT of Harmony, for pre-training and for every downstream task."""
import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch.utils.checkpoint import checkpoint

from harmony.registry import MODELS
from harmony.utils.tokens import gather_tokens
from ..utils import load_backbone_weights, resize_pos_embed
from .vit_layers import Block, PatchEmbed

ARCHS = {
    'tiny': dict(embed_dims=192, num_layers=12, num_heads=3),
    'small': dict(embed_dims=384, num_layers=12, num_heads=6),
    'base': dict(embed_dims=768, num_layers=12, num_heads=12),
    'large': dict(embed_dims=1024, num_layers=24, num_heads=16),
}
OUT_TYPES = ('featmap', 'cls_token', 'raw', 'cls_patch_mean')


@MODELS.register_module()
class HarmonyViT(BaseModule):
    """Vision Transformer shared by Harmony pre-training and mmseg / mmdet / mmpretrain models.

    Args:
        arch: 'tiny' | 'small' | 'base' | 'large', or a dict with embed_dims, num_layers, num_heads
            (and optionally mlp_ratio).
        img_size: pre-training image size; sets the stored position-embedding grid (img_size // patch_size).
            Any other input size works: position embeddings are resized at run time.
        patch_size: patch side in pixels.
        out_indices: blocks whose outputs `forward` returns (negative counts from the end).
        out_type: 'featmap' NCHW maps [B, C, h, w] (dense tasks), 'cls_token' [B, C], 'raw' tokens
            [B, 1+h*w, C], 'cls_patch_mean' CLS and mean patch token concatenated [B, 2C] (linear probe).
        final_norm: apply the final LayerNorm to the last block's output; without it the backbone has no final
            norm at all (dense tasks use raw block outputs, and DDP must not see unused parameters).
        out_with_norm: apply the final LayerNorm (the pre-trained one) to every output of `out_indices`
            (iBOT's and the Harmony reference's UperNet protocol); creates the norm even with final_norm=False.
        drop_path_rate: stochastic depth, increasing linearly over the blocks.
        interpolate_offset: how position embeddings are resized to another grid (`resize_pos_embed`): 0 to the
            grid's size (default), 0.1 by DINO's scale factors (the Harmony reference's local crops).
        mask_token: create the learnable [MASK] embedding used by iBOT pre-training.
        with_cp: gradient checkpointing of every block (less memory, ~30 % more compute).
        frozen_stages: -1 trains everything; k >= 0 freezes the embeddings and the first k blocks (and the final
            norm when k == num_layers: a frozen backbone for linear probing), kept in eval mode.
        init_cfg: ``dict(type='Pretrained', checkpoint=PATH, prefix=None, source='teacher')`` loads weights
            through `harmony.models.utils.load_backbone_weights` (reports keys, raises when nothing fits).
    """

    def __init__(self, arch='small', img_size=224, patch_size=16, in_channels=3, out_indices=-1,
                 out_type='cls_token', final_norm=True, out_with_norm=False, drop_path_rate=0.0, qkv_bias=True,
                 norm_eps=1e-6, interpolate_offset=0.0, mask_token=False, with_cp=False, frozen_stages=-1,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if isinstance(arch, str):
            if arch not in ARCHS:
                raise ValueError(f'unknown HarmonyViT arch {arch!r}; choose one of {sorted(ARCHS)} or pass a dict')
            arch = ARCHS[arch]
        missing = {'embed_dims', 'num_layers', 'num_heads'} - set(arch)
        if missing:
            raise ValueError(f'arch dict lacks {sorted(missing)}')
        if out_type not in OUT_TYPES:
            raise ValueError(f'out_type must be one of {OUT_TYPES}, got {out_type!r}')
        self.embed_dims, self.num_layers = arch['embed_dims'], arch['num_layers']
        self.patch_size, self.img_size = patch_size, img_size
        self.out_type, self.with_cp, self.interpolate_offset = out_type, with_cp, interpolate_offset
        indices = [out_indices] if isinstance(out_indices, int) else list(out_indices)
        self.out_indices = sorted(i % self.num_layers for i in indices)
        if any(not -self.num_layers <= i < self.num_layers for i in indices):
            raise ValueError(f'out_indices {indices} out of range for {self.num_layers} blocks')

        grid = img_size // patch_size
        self.patch_embed = PatchEmbed(patch_size, in_channels, self.embed_dims)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, self.embed_dims))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + grid * grid, self.embed_dims))
        self.mask_token = nn.Parameter(torch.zeros(1, 1, self.embed_dims)) if mask_token else None
        rates = [drop_path_rate * i / max(self.num_layers - 1, 1) for i in range(self.num_layers)]
        self.blocks = nn.ModuleList(
            Block(self.embed_dims, arch['num_heads'], arch.get('mlp_ratio', 4.0), qkv_bias, rate, norm_eps)
            for rate in rates)
        self.norm = nn.LayerNorm(self.embed_dims, eps=norm_eps) if final_norm or out_with_norm else nn.Identity()
        self.final_norm, self.out_with_norm = final_norm, out_with_norm
        if not -1 <= frozen_stages <= self.num_layers:
            raise ValueError(f'frozen_stages must be in [-1, {self.num_layers}], got {frozen_stages}')
        self.frozen_stages = frozen_stages
        for module in self._frozen_modules():
            module.requires_grad_(False)
        for name in ('cls_token', 'pos_embed', 'mask_token'):
            if frozen_stages >= 0 and getattr(self, name) is not None:
                getattr(self, name).requires_grad_(False)

    def _frozen_modules(self):
        if self.frozen_stages < 0:
            return []
        modules = [self.patch_embed, *self.blocks[:self.frozen_stages]]
        return modules + [self.norm] if self.frozen_stages == self.num_layers else modules

    def train(self, mode=True):
        """Frozen parts stay in eval mode (no drop path) while the rest trains."""
        super().train(mode)
        for module in self._frozen_modules():
            module.eval()
        return self

    # ---------------------------------------------------------------- weights
    def init_weights(self):
        """Random init as timm/MAE (truncated normal 0.02, xavier patch projection), or pretrained weights."""
        if self.init_cfg and self.init_cfg.get('type') != 'Pretrained':
            raise ValueError(f"HarmonyViT takes init_cfg=None (random init) or type='Pretrained', got {self.init_cfg}")
        if self.init_cfg:
            cfg = dict(self.init_cfg)
            if not cfg.get('checkpoint'):
                raise ValueError('HarmonyViT init_cfg is Pretrained but names no checkpoint: set '
                                 'model.backbone.init_cfg.checkpoint (e.g. with --cfg-options) to a Harmony '
                                 'checkpoint or an exported backbone, or init_cfg=None to train from scratch')
            load_backbone_weights(self, cfg['checkpoint'], prefix=cfg.get('prefix'),
                                  source=cfg.get('source', 'teacher'))
            self._is_init = True
            return
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        if self.mask_token is not None:
            nn.init.trunc_normal_(self.mask_token, std=0.02)
        weight = self.patch_embed.proj.weight
        nn.init.xavier_uniform_(weight.view(weight.shape[0], -1))
        nn.init.zeros_(self.patch_embed.proj.bias)
        for module in self.blocks.modules():
            if isinstance(module, nn.Linear):
                nn.init.trunc_normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.LayerNorm):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
        self._is_init = True

    # ---------------------------------------------------------------- tokens
    def embed(self, x, mask=None):
        """Patch tokens plus CLS with position embeddings: [B, 1+h*w, C] and the grid (h, w).

        mask: optional [B, h*w] bool; True patches are replaced by the [MASK] token (iBOT) before the
        position embedding is added.
        """
        tokens, grid = self.patch_embed(x)  # [B, N, C]
        if mask is not None:
            if self.mask_token is None:
                raise RuntimeError('a mask was given but HarmonyViT was built with mask_token=False')
            tokens = torch.where(mask.unsqueeze(-1), self.mask_token.to(tokens.dtype), tokens)
        tokens = torch.cat([self.cls_token.expand(tokens.shape[0], -1, -1), tokens], dim=1)
        return tokens + resize_pos_embed(self.pos_embed, grid, self.interpolate_offset), grid

    def run_block(self, block, tokens, queries=None):
        if self.with_cp and tokens.requires_grad:
            return checkpoint(block, tokens, None, queries, use_reentrant=False)
        return block(tokens, queries=queries)

    def encode(self, tokens, queries=None):
        """All blocks and the final norm (if any): [B, L, C] -> [B, L, C]; with `queries` [B, Q] (positions)
        the last block computes only those tokens -> [B, Q, C]."""
        for index, block in enumerate(self.blocks):
            tokens = self.run_block(block, tokens, queries if index == self.num_layers - 1 else None)
        return self.norm(tokens)

    def forward_tokens(self, x, mask=None, queries=None):
        """Normalised output tokens [B, 1+h*w, C]; `mask` [B, h*w] bool replaces patches by [MASK] (iBOT);
        `queries` [B, Q]: only these positions of the output (0 is CLS), [B, Q, C], at a lower cost."""
        tokens, _ = self.embed(x, mask)
        return self.encode(tokens, queries)

    def forward_visible(self, x, keep_ids):
        """MAE encoder: only the patches at `keep_ids` [B, K] (plus CLS) go through the blocks -> [B, 1+K, C]."""
        tokens, _ = self.embed(x)
        patches = gather_tokens(tokens[:, 1:], keep_ids)
        return self.encode(torch.cat([tokens[:, :1], patches], dim=1))

    # ---------------------------------------------------------------- downstream
    def forward(self, x):
        """Outputs of the blocks in `out_indices`, formatted by `out_type` (see the class docstring)."""
        tokens, grid = self.embed(x)
        outs = []
        for index, block in enumerate(self.blocks):
            tokens = self.run_block(block, tokens)
            if index == self.num_layers - 1 and self.final_norm:
                tokens = self.norm(tokens)
                if index in self.out_indices:
                    outs.append(self._format(tokens, grid))
            elif index in self.out_indices:
                outs.append(self._format(self.norm(tokens) if self.out_with_norm else tokens, grid))
        return tuple(outs)

    def _format(self, tokens, grid):
        if self.out_type == 'raw':
            return tokens
        if self.out_type == 'cls_token':
            return tokens[:, 0]
        if self.out_type == 'cls_patch_mean':
            return torch.cat([tokens[:, 0], tokens[:, 1:].mean(dim=1)], dim=-1)
        return tokens[:, 1:].transpose(1, 2).reshape(tokens.shape[0], -1, *grid).contiguous()

    # ---------------------------------------------------------------- optimiser support
    def no_weight_decay(self):
        """Parameter names that take no weight decay (besides norms and biases, handled by the optimiser)."""
        return {'pos_embed', 'cls_token', 'mask_token'}

    def get_layer_depth(self, param_name, prefix=''):
        """(depth, num_depths) for layer-wise lr decay: 0 for embeddings, i+1 for block i, last for the rest."""
        num_depths = self.num_layers + 2
        if not param_name.startswith(prefix):
            return num_depths - 1, num_depths
        name = param_name[len(prefix):]
        if name in ('cls_token', 'pos_embed', 'mask_token') or name.startswith('patch_embed'):
            return 0, num_depths
        if name.startswith('blocks.'):
            return int(name.split('.')[1]) + 1, num_depths
        return num_depths - 1, num_depths
