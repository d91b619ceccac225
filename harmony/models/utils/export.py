"""Backbone export formats: Harmony's own and timm's (open_clip joins with the text tower).

HarmonyViT's parameter names follow timm's ViT, so the timm format is the backbone without its pre-training
only tensors; the conversion still goes through explicit checks so that a format change in either cannot
pass silently.
"""
import json

from .pretrained import PRETRAINING_ONLY

TIMM_ARCH_NAMES = {(192, 12): 'tiny', (384, 12): 'small', (768, 12): 'base', (1024, 24): 'large'}


def describe_backbone(state):
    """Architecture of a HarmonyViT state dict: embed_dims, num_layers, num_heads (64-d heads), patch and image size."""
    embed_dims = state['cls_token'].shape[-1]
    num_layers = len({k.split('.')[1] for k in state if k.startswith('blocks.')})
    patch_size = state['patch_embed.proj.weight'].shape[-1]
    grid = round((state['pos_embed'].shape[1] - 1) ** 0.5)
    return dict(embed_dims=embed_dims, num_layers=num_layers, num_heads=embed_dims // 64, patch_size=patch_size,
                img_size=grid * patch_size)


def timm_model_name(arch):
    """timm's name for an exported arch, e.g. 'vit_small_patch16_224'."""
    key = (arch['embed_dims'], arch['num_layers'])
    if key not in TIMM_ARCH_NAMES:
        raise ValueError(f'no timm ViT has {key[0]} dims and {key[1]} blocks; export with --format harmony')
    return f'vit_{TIMM_ARCH_NAMES[key]}_patch{arch["patch_size"]}_{arch["img_size"]}'


def to_harmony(state):
    """The backbone as HarmonyViT stores it (contiguous tensors, ready for safetensors)."""
    return {k: v.contiguous() for k, v in state.items()}


def to_timm(state):
    """timm VisionTransformer(num_classes=0) state dict: same names, without pre-training-only tensors."""
    return {k: v.contiguous() for k, v in state.items() if k not in PRETRAINING_ONLY}


def export_metadata(fmt, arch, source):
    """String metadata stored in the safetensors header (and beside it as JSON)."""
    meta = dict(format=fmt, source=source, arch=json.dumps(arch))
    if fmt == 'timm':
        meta['timm_model'] = timm_model_name(arch)
    return meta
