"""Checkpoints of the Harmony reference code (github MohammedSB/Harmony) in Harmony's layout, strictly.

The reference writes three kinds of file:
- ``checkpoint.pth``: ``{'model': state_dict, 'optimizer', 'epoch', 'args', 'disc_loss', ...}``, the whole
  training module, each shared module stored once under every name it is registered as;
- ``main_vit_checkpoint.pth``: the EMA teacher ViT with its CLIP projection (``contrastive_projection``);
- ``main_text_checkpoint.pth``: the EMA teacher text tower with its projection.

`convert_training_state` maps every tensor of the first to a Harmony key (student, ``teacher.``, loss centres);
`convert_teacher_towers` maps the other two to ``teacher.backbone.*`` / ``teacher.image_projection.weight`` and
``teacher.text_encoder.*``. A key without a rule, an alias whose value differs from its family's, or a model
key left unset raises `ReferenceCheckpointError` naming it.
"""
import re

import torch


class ReferenceCheckpointError(KeyError):
    """A reference checkpoint that does not convert exactly (the message names the key)."""

    def __str__(self):
        return str(self.args[0])


# Names under which the reference registers the same module: (canonical prefix, other prefixes).
ALIASES = (
    ('image_encoder.patch_embed.', ('generative_path.patch_embed.', )),
    ('image_encoder.', ('discriminative_path.image_encoder.', 'discriminative_path.student.backbone.',
                        'student.backbone.', 'generative_path.backbone.', 'contrastive_path.image_backbone.')),
    ('discriminative_path.student_head.', ('discriminative_path.student.head.', 'student.head.')),
    ('discriminative_path.teacher.backbone.', ('teacher.backbone.', )),
    ('discriminative_path.teacher.head.', ('discriminative_path.teacher_head.', 'teacher.head.')),
    ('contrastive_path.text_backbone.', ('text_distillation_path.text_dist_student.backbone.',
                                         'text_student.backbone.')),
    ('contrastive_path.text_backbone_teacher.', ('text_distillation_path.text_dist_teacher.backbone.',
                                                 'text_teacher.backbone.')),
    ('text_student.distillation_head.', ('text_distillation_path.text_dist_student.distillation_head.', )),
    ('text_teacher.distillation_head.', ('text_distillation_path.text_dist_teacher.distillation_head.', )),
)
# The shared iBOT head (--shared_head) is also registered as ``last_layer2`` (the patch head).
SHARED_LAST_LAYER = ('.last_layer2.', '.last_layer.')


def _transpose(tensor):
    return tensor.t()  # [width, D] applied as x @ P -> nn.Linear weight [D, width]


def _renamed(suffix, table):
    """The suffix with its first matching (old prefix -> new prefix) of `table` applied, else None."""
    for old, new in table:
        if suffix == old or (old.endswith('.') and suffix.startswith(old)):
            return new + suffix[len(old):]
    return None


VIT = (('cls_token', 'cls_token'), ('pos_embed', 'pos_embed'), ('patch_embed.', 'patch_embed.'),
       ('blocks.', 'blocks.'), ('norm.', 'norm.'))
HEAD = (('mlp.', 'mlp.'), ('last_layer.weight_g', 'last_layer.parametrizations.weight.original0'),
        ('last_layer.weight_v', 'last_layer.parametrizations.weight.original1'))
TEXT_TOWER = (('text_embedding.weight', 'token_embedding.weight'),
              ('text_positional_embedding', 'positional_embedding'),
              ('backbone.resblocks.', 'transformer.resblocks.'), ('text_norm.', 'ln_final.'),
              ('text_projection', 'text_projection'))
# torch MultiheadAttention blocks (ln_1, attn.in_proj_*, attn.out_proj, mlp.c_fc, mlp.c_proj, ln_2) -> ViT Block
MLM_BLOCK = (('ln_1.', 'norm1.'), ('attn.in_proj_weight', 'attn.qkv.weight'), ('attn.in_proj_bias', 'attn.qkv.bias'),
             ('attn.out_proj.', 'attn.proj.'), ('ln_2.', 'norm2.'), ('mlp.c_fc.', 'mlp.fc1.'),
             ('mlp.c_proj.', 'mlp.fc2.'))
MAE_DECODER = (('decoder_embed.', 'embed.'), ('mask_token', 'mask_token'), ('decoder_blocks.', 'blocks.'),
               ('decoder_norm.', 'norm.'), ('decoder_pred.', 'predict.'))
LOSS_STATE = {'discriminative_path.loss.center': 'ibot_loss.center',
              'discriminative_path.loss.center2': 'ibot_loss.patch_center',
              'text_distillation_path.text_distillation_loss.center': 'text_dist_loss.center'}


def _vit(suffix, prefix, projection_key):
    """Reference ViT tensor -> (Harmony key, transform); its CLIP projection becomes a linear layer."""
    if suffix == 'contrastive_projection':
        return projection_key, _transpose
    if suffix == 'masked_embed':  # [1, C] -> [1, 1, C]
        return prefix + 'mask_token', lambda tensor: tensor.reshape(1, 1, -1)
    name = _renamed(suffix, VIT)
    return (prefix + name, None) if name else None


def _mlm_decoder(suffix):
    match = re.fullmatch(r'backbone\.resblocks\.(\d+)\.(.+)', suffix)
    if match:
        name = _renamed(match.group(2), MLM_BLOCK)
        return (f'mlm_decoder.blocks.{match.group(1)}.{name}', None) if name else None
    name = _renamed(suffix, (('text_norm.', 'norm.'), ('head.', 'vocab.')))
    return ('mlm_decoder.' + name, None) if name else None


def _prefixed(prefix, name):
    return (prefix + name, None) if name else None


def _mae_decoder(suffix):
    name = _renamed(suffix, MAE_DECODER)
    return ('mae_decoder.' + name, None) if name else None


# canonical prefix -> rule(suffix) -> (Harmony key, transform or None) or None (no rule: an error)
RULES = (
    ('image_encoder.', lambda s: _vit(s, 'backbone.', 'image_projection.weight')),
    ('discriminative_path.teacher.backbone.', lambda s: _vit(s, 'teacher.backbone.', 'teacher.image_projection.weight')),
    ('discriminative_path.student_head.', lambda s: _prefixed('ibot_head.', _renamed(s, HEAD))),
    ('discriminative_path.teacher.head.', lambda s: _prefixed('teacher.ibot_head.', _renamed(s, HEAD))),
    ('contrastive_path.text_backbone_teacher.', lambda s: _prefixed('teacher.text_encoder.', _renamed(s, TEXT_TOWER))),
    ('contrastive_path.text_backbone.', lambda s: _prefixed('text_encoder.', _renamed(s, TEXT_TOWER))),
    ('text_student.distillation_head.', lambda s: _prefixed('text_dist_head.', _renamed(s, HEAD))),
    ('text_teacher.distillation_head.', lambda s: _prefixed('teacher.text_dist_head.', _renamed(s, HEAD))),
    ('mlm_head.', _mlm_decoder),
    ('generative_path.', _mae_decoder),
)


def canonical_state(state):
    """Reference state dict -> {canonical key: tensor}, one key per distinct tensor. Every alias must hold the
    same value as its canonical name (they are one module in the reference)."""
    canonical = {}
    for key, tensor in state.items():
        name = key
        for target, aliases in ALIASES:
            alias = next((a for a in aliases if name.startswith(a)), None)
            if alias:
                name = target + name[len(alias):]
                break
        name = name.replace(*SHARED_LAST_LAYER)
        if name in canonical and not torch.equal(canonical[name], tensor):
            raise ReferenceCheckpointError(f'{key} differs from {name}: in the reference they are one shared tensor, '
                                           'so this checkpoint is inconsistent (edited or corrupt)')
        canonical.setdefault(name, tensor)
    return canonical


def convert_training_state(state):
    """The reference's ``checkpoint['model']`` -> (Harmony state dict, notes). Every tensor is mapped or raises."""
    converted, notes = {}, []
    for key, tensor in canonical_state(state).items():
        if key == 'contrastive_path.logit_scale':
            converted['logit_scale'] = tensor.reshape(1)  # 0-d -> [1] (FSDP shards no 0-d tensor)
            continue
        if key in LOSS_STATE:
            converted[LOSS_STATE[key]] = tensor
            continue
        if key == 'generative_path.decoder_pos_embed':
            if torch.count_nonzero(tensor):
                raise ReferenceCheckpointError(
                    f'{key} is not all zeros: Harmony\'s MAEDecoder has no learned position embedding (sincos or '
                    'zeros); this checkpoint does not come from the reference code as released')
            notes.append(f"{key}: all zeros (never initialised by the reference); build the model with "
                         "mae_decoder.pos_embed='zeros' to compute as the reference did")
            continue
        rule = next(((prefix, rule) for prefix, rule in RULES if key.startswith(prefix)), None)
        mapped = rule[1](key[len(rule[0]):]) if rule else None
        if mapped is None:
            raise ReferenceCheckpointError(f'{key}: no Harmony counterpart is known for this reference tensor '
                                           '(unknown module or a newer reference version)')
        name, transform = mapped
        converted[name] = transform(tensor) if transform else tensor
    return converted, notes


def convert_teacher_towers(vit_state=None, text_state=None):
    """``main_vit_checkpoint.pth`` and/or ``main_text_checkpoint.pth`` (plain state dicts of the EMA teacher
    towers) -> Harmony keys ``teacher.backbone.*`` + ``teacher.image_projection.weight``, ``teacher.text_encoder.*``."""
    if vit_state is None and text_state is None:
        raise ValueError('give the teacher ViT state, the teacher text tower state, or both')
    converted = {}
    for key, tensor in (vit_state or {}).items():
        mapped = None if key == 'masked_embed' else _vit(key, 'teacher.backbone.', 'teacher.image_projection.weight')
        if mapped is None:
            raise ReferenceCheckpointError(f'{key}: not a tensor of the reference\'s teacher ViT '
                                           '(main_vit_checkpoint.pth)')
        converted[mapped[0]] = mapped[1](tensor) if mapped[1] else tensor
    for key, tensor in (text_state or {}).items():
        name = _renamed(key, TEXT_TOWER)
        if name is None:
            raise ReferenceCheckpointError(f'{key}: not a tensor of the reference\'s teacher text tower '
                                           '(main_text_checkpoint.pth)')
        converted['teacher.text_encoder.' + name] = tensor
    return converted


def checked_against(converted, own):
    """`converted` restricted to the keys and shapes of the model state `own`, raising on any difference.

    The teacher ViT's [MASK] embedding, which the reference's teacher does not have (a teacher never sees a
    mask), is set to the student's, as `Harmony.sync_teacher` does."""
    converted = dict(converted)
    if 'teacher.backbone.mask_token' in own and 'teacher.backbone.mask_token' not in converted \
            and 'backbone.mask_token' in converted:
        converted['teacher.backbone.mask_token'] = converted['backbone.mask_token']
    extra, missing = sorted(set(converted) - set(own)), sorted(set(own) - set(converted))
    if extra:
        raise ReferenceCheckpointError(f'the reference checkpoint has tensors this model does not: {extra[:8]}'
                                       f'{" ..." if len(extra) > 8 else ""} ({len(extra)}); build the model with '
                                       'the config of the run (objectives, heads, decoders)')
    if missing:
        raise ReferenceCheckpointError(f'this model has tensors the reference checkpoint does not set: {missing[:8]}'
                                       f'{" ..." if len(missing) > 8 else ""} ({len(missing)})')
    for key, tensor in converted.items():
        if tuple(tensor.shape) != tuple(own[key].shape):
            raise ReferenceCheckpointError(f'{key}: the reference tensor has shape {tuple(tensor.shape)}, the model '
                                           f'{tuple(own[key].shape)}; check the config\'s sizes against the run\'s')
    return {key: tensor.contiguous() for key, tensor in converted.items()}
