"""Loading backbone weights that never lies: every key is accounted for, and a mismatch raises.

Accepted files:
- a Harmony training checkpoint (mmengine ``.pth`` with ``state_dict``): the image EMA teacher
  (``teacher.backbone.*``) by default, the student (``backbone.*``) with ``source='student'``;
- an exported backbone (``tools/export_backbone.py --format harmony``: ``.safetensors`` or a ``.pth`` tensor dict);
- any other checkpoint with an explicit ``prefix`` (e.g. ``'backbone.'`` of a downstream model).
"""
import os.path as osp
from collections import Counter

from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

from .pos_embed import pos_embed_side, resize_pos_embed

# Layout of a Harmony training checkpoint's state_dict (the algorithm's module names): the student's towers at
# the top level, the EMA teacher's under ``teacher.``; the logit scale belongs to the student only.
HARMONY_PREFIXES = {'teacher': 'teacher.backbone.', 'student': 'backbone.'}
TOWER_PREFIXES = {
    'student': dict(backbone='backbone.', image_projection='image_projection.', text_encoder='text_encoder.'),
    'teacher': dict(backbone='teacher.backbone.', image_projection='teacher.image_projection.',
                    text_encoder='teacher.text_encoder.'),
}
LOGIT_SCALE_KEY = 'logit_scale'
PRETRAINING_ONLY = ('mask_token', )


def read_checkpoint(path):
    """(tensors, meta) of a checkpoint file: safetensors, a tensor dict, or an mmengine/timm checkpoint (meta:
    its ``meta`` dict, mmengine's holds the run's config; empty for the others)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'pretrained checkpoint {path} does not exist')
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(path), {}
    checkpoint = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    for key in ('state_dict', 'model', 'module'):
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get(key), dict):
            return checkpoint[key], meta if isinstance(meta, dict) else {}
    return checkpoint, {}


def read_state_dict(path):
    """Tensors of a checkpoint file (`read_checkpoint` without the meta)."""
    return read_checkpoint(path)[0]


def select_backbone_state(state, prefix=None, source='teacher'):
    """The backbone's tensors, keys relative to the backbone; returns (state, description of what was taken)."""
    if source not in HARMONY_PREFIXES:
        raise ValueError(f"source must be 'teacher' or 'student', got {source!r}")
    has_teacher = any(k.startswith(HARMONY_PREFIXES['teacher']) for k in state)
    has_student = any(k.startswith(HARMONY_PREFIXES['student']) for k in state)
    if prefix is None and (has_teacher or source == 'student' and has_student):
        prefix = HARMONY_PREFIXES[source]
        what = f'Harmony training checkpoint, {source} (prefix {prefix!r})'
    elif prefix is None and has_student and any(k.startswith('logit_scale') or k.startswith('mae_decoder.')
                                                for k in state):
        raise KeyError('this Harmony training checkpoint has no EMA teacher (its objectives build none, e.g. plain '
                       'CLIP or MAE alone): take the student backbone (source=\'student\', --source student)')
    else:
        what = f'prefix {prefix!r}' if prefix else 'keys as stored'
    if not prefix:
        return dict(state), what
    selected = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    if not selected:
        heads = Counter(k.split('.')[0] + '.' for k in state)
        raise KeyError(f'no key of the checkpoint starts with prefix {prefix!r}; its keys start with '
                       f'{dict(heads.most_common(8))}')
    return selected, what


def load_backbone_weights(model, path, prefix=None, source='teacher'):
    """Load `path` into `model` (a HarmonyViT); logs matched/missing/unexpected keys; returns that report.

    Raises when no key matches, or when a shape differs (position embeddings are resized to the model's grid).
    """
    state, what = select_backbone_state(read_state_dict(path), prefix, source)
    own = model.state_dict()
    unexpected = sorted(set(state) - set(own))
    ignored = [k for k in unexpected if k in PRETRAINING_ONLY]
    unexpected = [k for k in unexpected if k not in PRETRAINING_ONLY]
    missing = sorted(set(own) - set(state))
    matched = sorted(set(own) & set(state))
    if not matched:
        raise KeyError(f'{path} ({what}): none of its {len(state)} tensors matches the {len(own)} of '
                       f'{type(model).__name__} (e.g. {sorted(state)[:5]} vs {sorted(own)[:5]}); '
                       f'set init_cfg.prefix to the backbone\'s prefix in that checkpoint')
    to_load = {}
    for key in matched:
        tensor = state[key]
        if key == 'pos_embed' and tensor.shape != own[key].shape:
            side = pos_embed_side(own[key])
            tensor = resize_pos_embed(tensor, (side, side))
        if tensor.shape != own[key].shape:
            raise ValueError(f'{path} ({what}): {key} has shape {tuple(tensor.shape)} but the model expects '
                             f'{tuple(own[key].shape)}; check arch and patch size')
        to_load[key] = tensor
    model.load_state_dict(to_load, strict=False)
    report = dict(path=path, source=what, matched=matched, missing=missing, unexpected=unexpected,
                  ignored=ignored)
    print_log(f'{type(model).__name__}: loaded {len(matched)}/{len(own)} tensors from {path} ({what}); '
              f'missing: {missing or "none"}; unexpected: {unexpected or "none"}'
              + (f'; pre-training only, not used: {ignored}' if ignored else ''),
              logger='current', level=30 if missing or unexpected else 20)
    return report
