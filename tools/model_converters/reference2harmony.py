"""Convert checkpoints of the Harmony reference code (github MohammedSB/Harmony) to Harmony's formats, strictly.

    # the full training checkpoint (student, EMA teachers, loss centres) -> a Harmony training checkpoint
    python tools/model_converters/reference2harmony.py checkpoint.pth --out harmony.pth \
        --config configs/harmony/reference/vits16_cc3m_reference.py [--backbone-out teacher_vit.safetensors]
    # the EMA teacher towers the reference writes beside it (either or both)
    python tools/model_converters/reference2harmony.py main_vit_checkpoint.pth main_text_checkpoint.pth \
        --out teachers.pth [--backbone-out teacher_vit.safetensors]

Every tensor of the input is mapped (the reference's aliases of one module must agree), none is left over, and
the result loads strictly, shapes checked, into the model of --config (training checkpoint) or into towers of
the sizes the file implies (teacher towers); otherwise the error names the key.

--out: tensors only (``{'meta', 'state_dict'}``, Harmony key names), usable as ``load_from`` (fine-tuning the
reference's weights with a config here), by tools/test.py for zero-shot and retrieval, by
tools/export_backbone.py for every export format, and as a backbone ``init_cfg`` checkpoint (the EMA teacher).
Its meta holds the converter's notes and, for checkpoint.pth, the --config as mmengine records a run's (the head
counts the weights do not show: tower files need tools/export_backbone.py --num-heads / --text-heads).
--backbone-out: the EMA teacher ViT as an exported backbone (tools/export_backbone.py --format harmony).
Neither holds the optimiser state: a converted run starts a new schedule, it cannot --resume.
"""
import argparse
import json
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from safetensors.torch import save_file

from harmony.engine.checkpoint_loading import trust_checkpoint
from harmony.models.backbones import HarmonyViT
from harmony.models.text import HarmonyTextEncoder
from harmony.models.utils import select_backbone_state
from harmony.models.utils.export import (describe_backbone, describe_text_tower, export_description, header_metadata,
                                         recorded_settings, to_harmony)
from harmony.models.utils.reference_checkpoint import (ReferenceCheckpointError, checked_against,
                                                       convert_teacher_towers, convert_training_state)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('inputs', nargs='+', help='checkpoint.pth, or main_vit_checkpoint.pth and/or '
                                                  'main_text_checkpoint.pth')
    parser.add_argument('--out', required=True, help='output Harmony checkpoint (.pth, tensors only)')
    parser.add_argument('--config', help='Harmony pre-training config of the run (required for checkpoint.pth)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override settings of --config')
    parser.add_argument('--backbone-out', help='also export the EMA teacher ViT (.safetensors, harmony format)')
    return parser.parse_args()


def kind_of(content, path):
    """'training', 'vit' or 'text' by what the file holds."""
    if isinstance(content, dict) and isinstance(content.get('model'), dict):
        return 'training'
    if isinstance(content, dict) and 'cls_token' in content and 'patch_embed.proj.weight' in content:
        return 'vit'
    if isinstance(content, dict) and 'text_embedding.weight' in content:
        return 'text'
    keys = sorted(content)[:6] if isinstance(content, dict) else type(content).__name__
    raise ReferenceCheckpointError(f'{path} is none of the reference\'s checkpoint.pth (a dict with "model"), '
                                   f'main_vit_checkpoint.pth or main_text_checkpoint.pth; it holds {keys}')


def training_config(config, cfg_options):
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def training_model_state(cfg):
    from harmony.registry import MODELS
    return MODELS.build(cfg.model).state_dict()


def teacher_tower_state(converted):
    """State of the towers a teacher-only checkpoint implies, for the strict check (one attention head: the head
    count changes no shape, and these files do not record it)."""
    own = {}
    backbone = {k[len('teacher.backbone.'):]: v for k, v in converted.items() if k.startswith('teacher.backbone.')}
    if backbone:
        arch = describe_backbone(backbone)
        vit = HarmonyViT(arch=dict(embed_dims=arch['embed_dims'], num_layers=arch['num_layers'], num_heads=1),
                         img_size=arch['img_size'], patch_size=arch['patch_size'], out_type='raw')
        own.update({f'teacher.backbone.{k}': v for k, v in vit.state_dict().items()})
        projection = converted.get('teacher.image_projection.weight')
        if projection is None:
            raise ReferenceCheckpointError('contrastive_projection: the teacher ViT file lacks its CLIP projection')
        own['teacher.image_projection.weight'] = torch.empty(projection.shape[0], arch['embed_dims'])
    text = {k[len('teacher.text_encoder.'):]: v for k, v in converted.items() if k.startswith('teacher.text_encoder.')}
    if text:
        tower = HarmonyTextEncoder(**dict(describe_text_tower(text), heads=1))
        own.update({f'teacher.text_encoder.{k}': v for k, v in tower.state_dict().items()})
    return own


def main():
    args = parse_args()
    contents = {path: torch.load(trust_checkpoint(path), map_location='cpu', weights_only=False)
                for path in args.inputs}
    kinds = {path: kind_of(content, path) for path, content in contents.items()}
    # the reference's text towers use QuickGELU (read by tools/export_backbone.py --format open_clip)
    meta = dict(converted_from=json.dumps([osp.basename(p) for p in args.inputs]), converter='reference2harmony',
                text_act='quick_gelu')
    if 'training' in kinds.values():
        if len(args.inputs) != 1:
            raise SystemExit('convert a checkpoint.pth on its own (its teacher towers are inside it)')
        if not args.config:
            raise SystemExit('checkpoint.pth needs --config: the Harmony config of the run (e.g. '
                             'configs/harmony/reference/vits16_cc3m_reference.py) to check every tensor against')
        checkpoint = contents[args.inputs[0]]
        converted, notes = convert_training_state(checkpoint['model'])
        cfg = training_config(args.config, args.cfg_options)
        state = checked_against(converted, training_model_state(cfg))
        meta['cfg'] = cfg.pretty_text  # as mmengine records it: the heads and activations the weights do not show
        meta['reference_epoch'] = int(checkpoint.get('epoch', -1))
    else:
        by_kind = {kind: contents[path] for path, kind in kinds.items()}
        if len(by_kind) != len(args.inputs):
            raise SystemExit(f'two files of the same kind: {kinds}')
        converted, notes = convert_teacher_towers(by_kind.get('vit'), by_kind.get('text')), []
        state = checked_against(converted, teacher_tower_state(converted))
    torch.save(dict(meta=meta, state_dict=state), args.out)
    for note in notes:
        print(f'note: {note}')
    print(f'converted {len(state)} tensors of {", ".join(args.inputs)} to {args.out}')
    if args.backbone_out:
        if 'teacher.backbone.cls_token' not in state:
            raise SystemExit('--backbone-out needs the teacher ViT (checkpoint.pth or main_vit_checkpoint.pth)')
        if not args.backbone_out.endswith('.safetensors'):
            raise SystemExit(f'--backbone-out must end with .safetensors, got {args.backbone_out}')
        backbone, what = select_backbone_state(state, source='teacher')
        settings = recorded_settings(meta)
        arch = describe_backbone(backbone, settings['num_heads'], settings['norm_eps'])
        description = export_description('harmony', arch, f'{osp.basename(args.inputs[0])}: reference {what}')
        save_file(to_harmony(backbone), args.backbone_out, metadata=header_metadata(description))
        with open(osp.splitext(args.backbone_out)[0] + '.json', 'w') as f:
            json.dump(description, f, indent=2)
        print(f'exported the EMA teacher ViT ({len(backbone)} tensors) to {args.backbone_out}')


if __name__ == '__main__':
    try:
        main()
    except ReferenceCheckpointError as error:
        raise SystemExit(f'error: {error}') from None
