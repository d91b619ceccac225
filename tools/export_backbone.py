"""Export the towers of a checkpoint as plain tensor files (safetensors, no pickle).

    python tools/export_backbone.py CKPT OUT [--source teacher|student] [--format harmony|timm|open_clip]
                                    [--prefix PREFIX] [--text-act quick_gelu|gelu]

CKPT: a Harmony training checkpoint (the EMA teacher by default), an exported backbone, or any checkpoint with
--prefix. Formats:
  harmony    OUT.safetensors: HarmonyViT's state dict; load with init_cfg=dict(type='Pretrained', checkpoint=OUT)
             or HarmonyViT(...).load_state_dict(safetensors.torch.load_file(OUT), strict=True)
  timm       OUT.safetensors: loads strictly into timm.create_model('<name in OUT.json>', num_classes=0)
  open_clip  OUT/ (a folder): open_clip_model.safetensors with the image and text towers and the logit scale,
             open_clip_config.json beside it; open_clip.create_model('local-dir:OUT') loads it strictly
             (needs a full Harmony training checkpoint: exported backbones hold no text tower); the text
             tower's activation comes from the checkpoint's config (or the reference converter's note), else
             from --text-act
A JSON file next to a .safetensors output (OUT with .json) records format, source and architecture.
"""
import argparse
import inspect
import json
import os
import os.path as osp

from mmengine.config import Config
from safetensors.torch import save_file

from harmony.engine.checkpoint_loading import trust_checkpoint
from harmony.models.text import HarmonyTextEncoder
from harmony.models.utils import read_checkpoint, select_backbone_state
from harmony.models.utils.export import (describe_backbone, export_metadata, to_harmony, to_open_clip,
                                         to_timm)

BACKBONE_CONVERTERS = {'harmony': to_harmony, 'timm': to_timm}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint', help='training checkpoint or exported backbone')
    parser.add_argument('out', help='output .safetensors file (harmony, timm) or folder (open_clip)')
    parser.add_argument('--source', choices=['teacher', 'student'], default='teacher',
                        help='which towers of a Harmony training checkpoint (default: the EMA teacher)')
    parser.add_argument('--format', choices=[*BACKBONE_CONVERTERS, 'open_clip'], default='harmony')
    parser.add_argument('--prefix', help='key prefix of the backbone in a non-Harmony checkpoint, e.g. backbone.')
    parser.add_argument('--text-act', choices=['quick_gelu', 'gelu'],
                        help='open_clip: the text tower\'s activation, when the checkpoint does not record it')
    return parser.parse_args()


def recorded_text_act(meta):
    """The text tower's activation a checkpoint's meta records: its config (mmengine saves it) or the reference
    converter's note; None when it records neither."""
    if meta.get('text_act'):
        return meta['text_act']
    if meta.get('cfg'):
        text_encoder = Config.fromstring(meta['cfg'], file_format='.py').model.get('text_encoder') or {}
        return text_encoder.get('act', inspect.signature(HarmonyTextEncoder).parameters['act'].default)
    return None


def export_open_clip(state, out, source, text_act):
    clip_state, config = to_open_clip(state, source, text_act)
    os.makedirs(out, exist_ok=True)
    save_file(clip_state, osp.join(out, 'open_clip_model.safetensors'),
              metadata=dict(format='open_clip', source=source))
    with open(osp.join(out, 'open_clip_config.json'), 'w') as f:
        json.dump(config, f, indent=2)
    print(f'exported {len(clip_state)} tensors (open_clip CLIP, {source}) to {out}/; load with: '
          f"open_clip.create_model('local-dir:{out}')")


def export_backbone(state, args):
    if not args.out.endswith('.safetensors'):
        raise ValueError(f'OUT must end with .safetensors for --format {args.format}, got {args.out}')
    backbone, what = select_backbone_state(state, args.prefix, args.source)
    if 'cls_token' not in backbone or 'patch_embed.proj.weight' not in backbone:
        raise KeyError(f'{args.checkpoint} ({what}) holds no HarmonyViT backbone (no cls_token / patch_embed); '
                       f'its keys start with {sorted({k.split(".")[0] for k in backbone})[:10]}; use --prefix')
    arch = describe_backbone(backbone)
    tensors = BACKBONE_CONVERTERS[args.format](backbone)
    metadata = export_metadata(args.format, arch, f'{osp.basename(args.checkpoint)}: {what}')
    save_file(tensors, args.out, metadata=metadata)
    sidecar = osp.splitext(args.out)[0] + '.json'
    with open(sidecar, 'w') as f:
        json.dump(dict(metadata, arch=arch), f, indent=2)
    print(f'exported {len(tensors)} tensors ({args.format}, {what}) to {args.out}; description in {sidecar}')
    if args.format == 'timm':
        print(f"load with: timm.create_model('{metadata['timm_model']}', num_classes=0).load_state_dict("
              f"safetensors.torch.load_file('{args.out}'))")


def main():
    args = parse_args()
    state, meta = read_checkpoint(trust_checkpoint(args.checkpoint))
    if args.format == 'open_clip':
        recorded = recorded_text_act(meta)
        if recorded and args.text_act and recorded != args.text_act:
            raise SystemExit(f'--text-act {args.text_act}, but the checkpoint records {recorded}')
        export_open_clip(state, args.out, args.source, args.text_act or recorded)
    else:
        export_backbone(state, args)


if __name__ == '__main__':
    main()
