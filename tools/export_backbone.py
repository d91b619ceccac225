"""Export the image backbone of a checkpoint as a plain tensor file (safetensors).

    python tools/export_backbone.py CKPT OUT.safetensors [--source teacher|student] [--format harmony|timm]
                                    [--prefix PREFIX]

CKPT: a Harmony training checkpoint (the EMA teacher by default), an exported backbone, or any checkpoint with
--prefix. Formats:
  harmony  HarmonyViT's state dict; load with init_cfg=dict(type='Pretrained', checkpoint=OUT) or
           HarmonyViT(...).load_state_dict(safetensors.torch.load_file(OUT), strict=True)
  timm     loads strictly into timm.create_model('<name written to OUT.json>', num_classes=0)
A JSON file next to OUT (OUT with .json) records format, source and architecture. The output holds tensors only
(no pickle): safe to share and to load with weights_only=True / safetensors.
"""
import argparse
import json
import os.path as osp

from safetensors.torch import save_file

from harmony.models.utils import read_state_dict, select_backbone_state
from harmony.models.utils.export import describe_backbone, export_metadata, to_harmony, to_timm

CONVERTERS = {'harmony': to_harmony, 'timm': to_timm}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint', help='training checkpoint or exported backbone')
    parser.add_argument('out', help='output .safetensors file')
    parser.add_argument('--source', choices=['teacher', 'student'], default='teacher',
                        help='which image encoder of a Harmony training checkpoint (default: the EMA teacher)')
    parser.add_argument('--format', choices=sorted(CONVERTERS), default='harmony')
    parser.add_argument('--prefix', help='key prefix of the backbone in a non-Harmony checkpoint, e.g. backbone.')
    return parser.parse_args()


def main():
    args = parse_args()
    if not args.out.endswith('.safetensors'):
        raise ValueError(f'OUT must end with .safetensors, got {args.out}')
    state, what = select_backbone_state(read_state_dict(args.checkpoint), args.prefix, args.source)
    if 'cls_token' not in state or 'patch_embed.proj.weight' not in state:
        raise KeyError(f'{args.checkpoint} ({what}) holds no HarmonyViT backbone (no cls_token / patch_embed); '
                       f'its keys start with {sorted({k.split(".")[0] for k in state})[:10]}; use --prefix')
    arch = describe_backbone(state)
    tensors = CONVERTERS[args.format](state)
    metadata = export_metadata(args.format, arch, f'{osp.basename(args.checkpoint)}: {what}')
    save_file(tensors, args.out, metadata=metadata)
    sidecar = osp.splitext(args.out)[0] + '.json'
    with open(sidecar, 'w') as f:
        json.dump(dict(metadata, arch=arch), f, indent=2)
    print(f'exported {len(tensors)} tensors ({args.format}, {what}) to {args.out}; description in {sidecar}')
    if args.format == 'timm':
        print(f"load with: timm.create_model('{metadata['timm_model']}', num_classes=0).load_state_dict("
              f"safetensors.torch.load_file('{args.out}'))")


if __name__ == '__main__':
    main()
