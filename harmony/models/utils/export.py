"""Export formats: the image backbone for Harmony and timm, both towers for open_clip.

HarmonyViT's parameter names follow timm's ViT and the text tower is open_clip's TextTransformer, so the
conversions rename little. What the weights do not show (the attention heads, the text activation) comes from the
checkpoint's config or from the caller, never from a guess: a wrong head count loads strictly and computes other
features. Every size reaches timm and open_clip explicitly (a registered name, or one with keyword arguments).
"""
import inspect
import json
import os.path as osp

import timm
from mmengine.config import Config
from safetensors.torch import load_file

from ..backbones.harmony_vit import ARCHS, HarmonyViT
from ..text import HarmonyTextEncoder
from .pos_embed import pos_embed_side
from .pretrained import LOGIT_SCALE_KEY, PRETRAINING_ONLY, TOWER_PREFIXES, select_backbone_state

# Harmony normalises images with ImageNet statistics (as DINO/iBOT); timm's and open_clip's preprocessing must match.
IMAGE_MEAN, IMAGE_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
# timm's registered ViT sizes: (width, depth, heads) -> the size in its names, vit_<size>_patch<p>_<img>
TIMM_SIZES = {(192, 12, 3): 'tiny', (384, 12, 6): 'small', (768, 12, 12): 'base', (1024, 24, 16): 'large'}
TIMM_NORM_EPS = 1e-6  # timm's ViT LayerNorm (HarmonyViT's default)
# settings a checkpoint may record that its weights do not show
RECORDED_SETTINGS = ('num_heads', 'text_heads', 'text_act', 'norm_eps')
OPEN_CLIP_TRUNK_DIR = 'timm'  # open_clip export: timm's config of an image tower no timm name describes


def _default(cls, name):
    return inspect.signature(cls).parameters[name].default


def _config_settings(cfg_text):
    """RECORDED_SETTINGS from a run's config text (HarmonyViT at model.backbone, a text tower at
    model.text_encoder); None where the config has no such module."""
    model = Config.fromstring(cfg_text, file_format='.py').model
    settings = dict.fromkeys(RECORDED_SETTINGS)
    backbone = model.get('backbone') or {}
    if backbone and str(backbone.get('type', 'HarmonyViT')).split('.')[-1] == 'HarmonyViT':
        arch = backbone.get('arch', _default(HarmonyViT, 'arch'))
        settings['num_heads'] = (ARCHS.get(arch, {}) if isinstance(arch, str) else arch).get('num_heads')
        settings['norm_eps'] = backbone.get('norm_eps', _default(HarmonyViT, 'norm_eps'))
    text = model.get('text_encoder')
    if text is not None:
        settings['text_heads'] = text.get('heads', _default(HarmonyTextEncoder, 'heads'))
        settings['text_act'] = text.get('act', _default(HarmonyTextEncoder, 'act'))
    return settings


def recorded_settings(meta):
    """What a checkpoint's meta records of the settings its weights do not show (RECORDED_SETTINGS): the run's
    config (mmengine saves it as meta['cfg']), overridden by notes of these names (the reference converter's);
    None where it records nothing."""
    settings = _config_settings(meta['cfg']) if meta.get('cfg') else dict.fromkeys(RECORDED_SETTINGS)
    settings.update({key: meta[key] for key in RECORDED_SETTINGS if meta.get(key) is not None})
    return settings


def _check_heads(heads, width, what):
    if heads is not None and (heads < 1 or width % heads):
        raise ValueError(f'{heads} attention heads do not divide the {width} dims of the {what}')
    return heads


def describe_backbone(state, num_heads=None, norm_eps=None):
    """Architecture of a HarmonyViT state dict. The weights show every size but the attention heads and the
    LayerNorm eps: `num_heads` and `norm_eps` are recorded as given (None: unknown)."""
    embed_dims = state['cls_token'].shape[-1]
    patch = state['patch_embed.proj.weight']
    return dict(embed_dims=embed_dims, num_layers=len({k.split('.')[1] for k in state if k.startswith('blocks.')}),
                num_heads=_check_heads(num_heads, embed_dims, 'image backbone'), patch_size=patch.shape[-1],
                img_size=pos_embed_side(state['pos_embed']) * patch.shape[-1], in_channels=patch.shape[1],
                mlp_ratio=state['blocks.0.mlp.fc1.weight'].shape[0] / embed_dims,
                qkv_bias='blocks.0.attn.qkv.bias' in state, final_norm='norm.weight' in state, norm_eps=norm_eps)


def describe_text_tower(state, heads=None):
    """Sizes of a HarmonyTextEncoder state dict: context_length, vocab_size, width, heads (None: unknown, the
    weights do not show them), layers, embed_dim."""
    context, width = state['positional_embedding'].shape
    return dict(context_length=context, vocab_size=state['token_embedding.weight'].shape[0], width=width,
                heads=_check_heads(heads, width, 'text tower'),
                layers=len({k.split('.')[2] for k in state if k.startswith('transformer.resblocks.')}),
                embed_dim=state['text_projection'].shape[1])


def _require(value, what, option):
    if value is None:
        raise ValueError(f"the {what} cannot be read from the weights and the checkpoint records no config that "
                         f"gives it: pass it (tools/export_backbone.py {option}; the run's config has it)")
    return value


def _nearest_timm_vit(arch):
    """A registered timm ViT as the base of another size: same patch and image size if timm has one, else same
    patch size, nearest in width; ViT-B/16 when timm has no ViT of that patch size."""
    by_width = sorted(TIMM_SIZES.items(), key=lambda item: abs(item[0][0] - arch['embed_dims']))
    names = [f'vit_{size}_patch{arch["patch_size"]}_{img}' for img in (arch['img_size'], 224) for _, size in by_width]
    return next((name for name in names if timm.is_model(name)), 'vit_base_patch16_224')


def timm_model_spec(arch):
    """(name, keyword arguments) with which ``timm.create_model`` builds `arch`: a registered ViT by its name
    alone; any other size from the nearest registered ViT with every size as a keyword argument. Arguments for
    HarmonyViT options that differ from timm's defaults (mlp_ratio, qkv_bias, final_norm, in_chans) are added."""
    heads = _require(arch['num_heads'], 'number of attention heads of the image backbone', '--num-heads')
    if arch['norm_eps'] not in (None, TIMM_NORM_EPS):  # unknown: HarmonyViT's default, which every config keeps
        raise ValueError(f"timm's ViT has LayerNorm eps {TIMM_NORM_EPS}, this backbone {arch['norm_eps']}: "
                         'export it with --format harmony')
    options = {name: value for name, value, timm_default in (
        ('mlp_ratio', arch['mlp_ratio'], 4.0), ('qkv_bias', arch['qkv_bias'], True),
        ('final_norm', arch['final_norm'], True), ('in_chans', arch['in_channels'], 3)) if value != timm_default}
    patch, img = arch['patch_size'], arch['img_size']
    size = TIMM_SIZES.get((arch['embed_dims'], arch['num_layers'], heads))
    if size and timm.is_model(f'vit_{size}_patch{patch}_{img}'):
        return f'vit_{size}_patch{patch}_{img}', options
    sizes = dict(embed_dim=arch['embed_dims'], depth=arch['num_layers'], num_heads=heads, patch_size=patch,
                 img_size=img)
    return _nearest_timm_vit(arch), dict(sizes, **options)


def timm_preprocessing(arch):
    """Harmony's evaluation preprocessing as a timm pretrained config (shorter side to the image size, centre
    crop, bicubic, ImageNet statistics)."""
    return dict(input_size=[arch['in_channels'], arch['img_size'], arch['img_size']], mean=list(IMAGE_MEAN),
                std=list(IMAGE_STD), interpolation='bicubic', crop_pct=1.0)


def to_harmony(state):
    """The backbone as HarmonyViT stores it (contiguous tensors, ready for safetensors)."""
    return {k: v.contiguous() for k, v in state.items()}


def to_timm(state):
    """timm VisionTransformer(num_classes=0) state dict: same names, without pre-training-only tensors."""
    return {k: v.contiguous() for k, v in state.items() if k not in PRETRAINING_ONLY}


def export_description(fmt, arch, source):
    """What an export records beside its weights (OUT.json): format, source, arch and, for timm, timm_model and
    timm_kwargs: ``timm.create_model(timm_model, pretrained=False, num_classes=0, **timm_kwargs)`` is the model
    (with Harmony's preprocessing as its pretrained config, ``pretrained_cfg_overlay``)."""
    description = dict(format=fmt, source=source, arch=arch)
    if fmt == 'timm':
        name, kwargs = timm_model_spec(arch)
        description.update(timm_model=name, timm_kwargs=dict(kwargs, pretrained_cfg_overlay=timm_preprocessing(arch)))
    return description


def header_metadata(description):
    """An export's description as safetensors header metadata (strings; other values as JSON)."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in description.items()}


def load_timm_export(path):
    """(timm model in eval mode, description) of a timm-format export: OUT.safetensors, loaded strictly into the
    model its OUT.json describes."""
    with open(osp.splitext(path)[0] + '.json') as f:
        description = json.load(f)
    model = timm.create_model(description['timm_model'], pretrained=False, num_classes=0,
                              **description['timm_kwargs'])
    model.load_state_dict(load_file(path), strict=True)
    return model.eval(), description


def _with_prefix(state, prefix, what):
    selected = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    if not selected:
        raise KeyError(f'open_clip export needs the {what} ({prefix}*), which this checkpoint lacks: export a full '
                       'Harmony training checkpoint, not an exported backbone')
    return selected


def _open_clip_vision_cfg(arch, folder):
    """open_clip's vision_cfg for the image tower (a timm trunk, CLS token, linear projection) and the timm config
    it needs (None for a registered timm ViT). open_clip passes no keyword arguments to timm, so another size is
    described by timm's own config file in FOLDER/timm, named by its absolute path ('local-dir:...')."""
    name, kwargs = timm_model_spec(arch)
    trunk_config = None
    if kwargs:
        trunk_config = dict(architecture=name, num_classes=0, model_args=kwargs,
                            pretrained_cfg=timm_preprocessing(arch))
        name = 'local-dir:' + osp.join(osp.abspath(folder), OPEN_CLIP_TRUNK_DIR)
    vision_cfg = dict(timm_model_name=name, timm_model_pretrained=False, timm_pool='token', timm_proj='linear',
                      image_size=arch['img_size'])
    return vision_cfg, trunk_config


def to_open_clip(state, folder, settings, source='teacher'):
    """Image and text towers of a Harmony training checkpoint as an open_clip ``CLIP`` in `folder`.

    The image tower becomes open_clip's timm tower (``visual.trunk`` + linear ``visual.head.proj``), the text tower
    is open_clip's TextTransformer already (CLIP's top-level text keys). `settings` gives what the weights do not
    show (RECORDED_SETTINGS): the heads of both towers and text_act, the text tower's activation ('quick_gelu' or
    'gelu', `HarmonyTextEncoder.act`). Returns (state_dict, open_clip_config, timm_config): open_clip_config.json
    makes ``open_clip.create_model('local-dir:FOLDER')``; timm_config (None for a registered timm ViT) is
    FOLDER/timm/config.json, named by its absolute path: the folder must stay where it was written.
    """
    prefixes = TOWER_PREFIXES[source]
    text = _with_prefix(state, prefixes['text_encoder'], 'text encoder')
    projection = _with_prefix(state, prefixes['image_projection'], 'image projection')['weight']
    backbone, _ = select_backbone_state(state, prefixes['backbone'])
    if LOGIT_SCALE_KEY not in state:
        raise KeyError(f'open_clip export needs {LOGIT_SCALE_KEY!r}, which this checkpoint lacks')
    text_act = settings.get('text_act')
    if text_act not in ('quick_gelu', 'gelu'):
        raise ValueError(f"the text tower's activation must be 'quick_gelu' or 'gelu' (the run's text_encoder.act; "
                         f'tools/export_backbone.py --text-act), got {text_act!r}')
    sizes = describe_text_tower(text, settings.get('text_heads'))
    _require(sizes['heads'], 'number of attention heads of the text tower', '--text-heads')
    arch = describe_backbone(backbone, settings.get('num_heads'), settings.get('norm_eps'))
    vision_cfg, trunk_config = _open_clip_vision_cfg(arch, folder)
    clip_state = {f'visual.trunk.{k}': v for k, v in to_timm(backbone).items()}
    clip_state['visual.head.proj.weight'] = projection
    clip_state.update(text)
    clip_state['logit_scale'] = state[LOGIT_SCALE_KEY].reshape(())
    model_cfg = dict(
        embed_dim=projection.shape[0],
        quick_gelu=text_act == 'quick_gelu',  # open_clip applies it to the text tower (the timm tower has its own)
        vision_cfg=vision_cfg,
        text_cfg=dict({k: sizes[k] for k in ('context_length', 'vocab_size', 'width', 'heads', 'layers')},
                      pool_type='eos', eos_id=49407))
    config = dict(model_cfg=model_cfg, preprocess_cfg=dict(mean=IMAGE_MEAN, std=IMAGE_STD,
                                                           interpolation='bicubic', resize_mode='shortest'))
    return {k: v.contiguous() for k, v in clip_state.items()}, config, trunk_config
