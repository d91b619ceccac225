"""Export the towers of a checkpoint as plain tensor files (safetensors, no pickle).

    python tools/export_backbone.py CKPT OUT [--source teacher|student] [--format harmony|timm|open_clip]
                                    [--prefix PREFIX] [--num-heads N] [--text-heads N]
                                    [--text-act quick_gelu|gelu] [--check]

CKPT: a Harmony training checkpoint (the EMA teacher by default), an exported backbone, or any checkpoint with
--prefix. Formats:
  harmony    OUT.safetensors: HarmonyViT's state dict; load with init_cfg=dict(type='Pretrained', checkpoint=OUT)
             or HarmonyViT(...).load_state_dict(safetensors.torch.load_file(OUT), strict=True)
  timm       OUT.safetensors, any size: timm.create_model(J['timm_model'], pretrained=False, num_classes=0,
             **J['timm_kwargs']) with J = OUT.json loads it strictly (a registered name for timm's own sizes,
             otherwise the sizes as keyword arguments; Harmony's preprocessing as pretrained_cfg_overlay)
  open_clip  OUT/ (a folder): open_clip_model.safetensors with the image and text towers and the logit scale,
             open_clip_config.json beside it; open_clip.create_model('local-dir:OUT') loads it strictly
             (needs a full Harmony training checkpoint: exported backbones hold no text tower). An image tower of
             a size timm has no name for is described by OUT/timm/config.json, which the open_clip config names by
             its absolute path: load the folder where it was written (or export again)
A JSON file next to a .safetensors output (OUT with .json) records format, source and architecture.

The weights do not show the attention heads of either tower nor the text tower's activation: they come from the
checkpoint's config (mmengine saves it in every training checkpoint) or the reference converter's notes, else
from --num-heads / --text-heads / --text-act (an option that contradicts the checkpoint is refused). timm and
open_clip exports refuse to guess them. --check loads the export back strictly with timm / open_clip, runs it on
a random input and prints one line.
"""
import argparse
import json
import os
import os.path as osp

import torch
from safetensors.torch import save_file

from harmony.engine.checkpoint_loading import trust_checkpoint
from harmony.models.utils import read_checkpoint, select_backbone_state
from harmony.models.utils.export import (OPEN_CLIP_TRUNK_DIR, describe_backbone, export_description,
                                         header_metadata, load_timm_export, recorded_settings, to_harmony,
                                         to_open_clip, to_timm)

BACKBONE_CONVERTERS = {'harmony': to_harmony, 'timm': to_timm}
# command-line options for the settings the weights do not show
SETTING_OPTIONS = {'num_heads': '--num-heads', 'text_heads': '--text-heads', 'text_act': '--text-act'}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint', help='training checkpoint or exported backbone')
    parser.add_argument('out', help='output .safetensors file (harmony, timm) or folder (open_clip)')
    parser.add_argument('--source', choices=['teacher', 'student'], default='teacher',
                        help='which towers of a Harmony training checkpoint (default: the EMA teacher)')
    parser.add_argument('--format', choices=[*BACKBONE_CONVERTERS, 'open_clip'], default='harmony')
    parser.add_argument('--prefix', help='key prefix of the backbone in a non-Harmony checkpoint, e.g. backbone.')
    parser.add_argument('--num-heads', type=int,
                        help="the image backbone's attention heads, when the checkpoint records no config")
    parser.add_argument('--text-heads', type=int,
                        help="open_clip: the text tower's attention heads, when the checkpoint records no config")
    parser.add_argument('--text-act', choices=['quick_gelu', 'gelu'],
                        help="open_clip: the text tower's activation, when the checkpoint does not record it")
    parser.add_argument('--check', action='store_true',
                        help='timm, open_clip: load the export back strictly, run it and print one line')
    args = parser.parse_args()
    if args.check and args.format == 'harmony':
        parser.error('--check is for --format timm and open_clip')
    return args


def export_settings(meta, args):
    """The settings the weights do not show: the checkpoint's record, or the options where it has none."""
    settings = recorded_settings(meta)
    for key, option in SETTING_OPTIONS.items():
        given = getattr(args, key)
        if given is not None and settings[key] is not None and given != settings[key]:
            raise SystemExit(f'{option} {given}, but the checkpoint records {settings[key]}')
        settings[key] = settings[key] if given is None else given
    return settings


def export_open_clip(state, args, settings):
    clip_state, config, trunk_config = to_open_clip(state, args.out, settings, args.source)
    os.makedirs(args.out, exist_ok=True)
    save_file(clip_state, osp.join(args.out, 'open_clip_model.safetensors'),
              metadata=dict(format='open_clip', source=args.source))
    with open(osp.join(args.out, 'open_clip_config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    if trunk_config:
        os.makedirs(osp.join(args.out, OPEN_CLIP_TRUNK_DIR), exist_ok=True)
        with open(osp.join(args.out, OPEN_CLIP_TRUNK_DIR, 'config.json'), 'w') as f:
            json.dump(trunk_config, f, indent=2)
    print(f'exported {len(clip_state)} tensors (open_clip CLIP, {args.source}) to {args.out}/; load with: '
          f"open_clip.create_model('local-dir:{args.out}')")


def export_backbone(state, args, settings):
    if not args.out.endswith('.safetensors'):
        raise ValueError(f'OUT must end with .safetensors for --format {args.format}, got {args.out}')
    backbone, what = select_backbone_state(state, args.prefix, args.source)
    if 'cls_token' not in backbone or 'patch_embed.proj.weight' not in backbone:
        raise KeyError(f'{args.checkpoint} ({what}) holds no HarmonyViT backbone (no cls_token / patch_embed); '
                       f'its keys start with {sorted({k.split(".")[0] for k in backbone})[:10]}; use --prefix')
    arch = describe_backbone(backbone, settings['num_heads'], settings['norm_eps'])
    description = export_description(args.format, arch, f'{osp.basename(args.checkpoint)}: {what}')
    tensors = BACKBONE_CONVERTERS[args.format](backbone)
    save_file(tensors, args.out, metadata=header_metadata(description))
    sidecar = osp.splitext(args.out)[0] + '.json'
    with open(sidecar, 'w') as f:
        json.dump(description, f, indent=2)
    print(f'exported {len(tensors)} tensors ({args.format}, {what}) to {args.out}; description in {sidecar}')
    if args.format == 'timm':
        print(f"load with: timm.create_model('{description['timm_model']}', pretrained=False, num_classes=0, "
              f"**json.load(open('{sidecar}'))['timm_kwargs']).load_state_dict("
              f"safetensors.torch.load_file('{args.out}'))")


@torch.no_grad()
def check_timm(path):
    model, description = load_timm_export(path)
    sizes = ', '.join(f'{k}={v}' for k, v in description['timm_kwargs'].items() if k != 'pretrained_cfg_overlay')
    features = model(torch.randn(1, *model.pretrained_cfg['input_size']))
    print(f"timm export: {description['timm_model']}{f' with {sizes}' if sizes else ''} loads strictly into "
          f'timm.create_model: {len(model.state_dict())} tensors, {features.shape[-1]}-d features')


@torch.no_grad()
def check_open_clip(folder):
    import open_clip
    model = open_clip.create_model(f'local-dir:{folder}').eval()  # loads with strict=True
    size = model.visual.image_size
    image = model.encode_image(torch.randn(1, 3, *size))
    text = model.encode_text(open_clip.get_tokenizer(f'local-dir:{folder}')(['a red circle']))
    print(f"open_clip export: loads strictly into open_clip.create_model('local-dir:{folder}'): "
          f'{len(model.state_dict())} tensors, image/text embeddings {image.shape[-1]}/{text.shape[-1]}-d')


def main():
    args = parse_args()
    state, meta = read_checkpoint(trust_checkpoint(args.checkpoint))
    settings = export_settings(meta, args)
    if args.format == 'open_clip':
        export_open_clip(state, args, settings)
    else:
        export_backbone(state, args, settings)
    if args.check and args.format != 'harmony':
        (check_open_clip if args.format == 'open_clip' else check_timm)(args.out)


if __name__ == '__main__':
    main()
