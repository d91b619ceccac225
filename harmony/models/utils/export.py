"""Export formats: the image backbone for Harmony and timm, both towers for open_clip.

HarmonyViT's parameter names follow timm's ViT, so the timm format is the backbone without its pre-training
only tensors; the conversion still goes through explicit checks so that a format change in either cannot
pass silently.
"""
import json

from .pos_embed import pos_embed_side
from .pretrained import LOGIT_SCALE_KEY, PRETRAINING_ONLY, TOWER_PREFIXES, select_backbone_state

# Harmony normalises images with ImageNet statistics (as DINO/iBOT); open_clip's preprocessing must match.
IMAGE_MEAN, IMAGE_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
TIMM_ARCH_NAMES = {(192, 12): 'tiny', (384, 12): 'small', (768, 12): 'base', (1024, 24): 'large'}


def describe_backbone(state):
    """Architecture of a HarmonyViT state dict: embed_dims, num_layers, num_heads (64-d heads), patch and image size."""
    embed_dims = state['cls_token'].shape[-1]
    num_layers = len({k.split('.')[1] for k in state if k.startswith('blocks.')})
    patch_size = state['patch_embed.proj.weight'].shape[-1]
    return dict(embed_dims=embed_dims, num_layers=num_layers, num_heads=embed_dims // 64, patch_size=patch_size,
                img_size=pos_embed_side(state['pos_embed']) * patch_size)


def describe_text_tower(state):
    """Sizes of a HarmonyTextEncoder state dict: context_length, vocab_size, width, heads (64-d), layers,
    embed_dim."""
    context, width = state['positional_embedding'].shape
    return dict(context_length=context, vocab_size=state['token_embedding.weight'].shape[0], width=width,
                heads=max(width // 64, 1),
                layers=len({k.split('.')[2] for k in state if k.startswith('transformer.resblocks.')}),
                embed_dim=state['text_projection'].shape[1])


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


def _with_prefix(state, prefix, what):
    selected = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    if not selected:
        raise KeyError(f'open_clip export needs the {what} ({prefix}*), which this checkpoint lacks: export a full '
                       'Harmony training checkpoint, not an exported backbone')
    return selected


def to_open_clip(state, source='teacher', text_act='quick_gelu'):
    """Image and text towers of a Harmony training checkpoint as an open_clip ``CLIP`` state dict + its config.

    The image tower becomes open_clip's timm tower (``visual.trunk`` + linear ``visual.head.proj``), the text tower
    is open_clip's TextTransformer already (CLIP's top-level text keys); `text_act` is its activation
    ('quick_gelu' or 'gelu', `HarmonyTextEncoder.act`), which the weights do not show. Returns
    (state_dict, open_clip_config) for ``open_clip.create_model('local-dir:DIR')``.
    """
    prefixes = TOWER_PREFIXES[source]
    text = _with_prefix(state, prefixes['text_encoder'], 'text encoder')
    projection = _with_prefix(state, prefixes['image_projection'], 'image projection')['weight']
    backbone, _ = select_backbone_state(state, prefixes['backbone'])
    if LOGIT_SCALE_KEY not in state:
        raise KeyError(f'open_clip export needs {LOGIT_SCALE_KEY!r}, which this checkpoint lacks')
    arch = describe_backbone(backbone)
    clip_state = {f'visual.trunk.{k}': v for k, v in to_timm(backbone).items()}
    clip_state['visual.head.proj.weight'] = projection
    clip_state.update(text)
    clip_state['logit_scale'] = state[LOGIT_SCALE_KEY].reshape(())
    sizes = describe_text_tower(text)
    if text_act not in ('quick_gelu', 'gelu'):
        raise ValueError(f"the text tower's activation must be 'quick_gelu' or 'gelu' (the run's text_encoder.act; "
                         f'tools/export_backbone.py --text-act), got {text_act!r}')
    model_cfg = dict(
        embed_dim=projection.shape[0],
        quick_gelu=text_act == 'quick_gelu',  # open_clip applies it to the text tower (the timm tower has its own)
        vision_cfg=dict(timm_model_name=timm_model_name(arch), timm_model_pretrained=False, timm_pool='token',
                        timm_proj='linear', image_size=arch['img_size']),
        text_cfg=dict({k: sizes[k] for k in ('context_length', 'vocab_size', 'width', 'heads', 'layers')},
                      pool_type='eos', eos_id=49407))
    config = dict(model_cfg=model_cfg, preprocess_cfg=dict(mean=IMAGE_MEAN, std=IMAGE_STD,
                                                           interpolation='bicubic', resize_mode='shortest'))
    return {k: v.contiguous() for k, v in clip_state.items()}, config
