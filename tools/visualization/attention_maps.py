"""Attention maps of the CLS token in the last block, one per head.

    python tools/visualization/attention_maps.py CONFIG CHECKPOINT IMAGE_DIR [--out FILE.png] [--num 4]
        [--source teacher|student] [--cfg-options KEY=VALUE ...]

CONFIG and CHECKPOINT as for pca_features.py. Writes one PNG: per image row, the image, the mean over heads, and
each head's map (softmax weights over the patches, each map scaled to its own maximum).
"""
import harmony  # noqa: F401

from harmony.engine.picture_tool_args import picture_tool_inputs
from harmony.visualization import cls_attention, save_panels, to_display
from harmony.visualization.loading import load_backbone


def add_source(parser):
    parser.add_argument('--source', default='teacher', choices=['teacher', 'student'])


def main():
    args, cfg, images, paths, (mean, std) = picture_tool_inputs(__doc__, 'attention_maps.png', 4, add_source)
    backbone = load_backbone(cfg, args.checkpoint, args.source)
    maps = cls_attention(backbone, images)  # [B, heads, h, w]
    maps = maps / maps.amax(dim=(-2, -1), keepdim=True)
    shown = to_display(images, mean, std)
    heads = maps.shape[1]
    rows = [[shown[i], maps[i].mean(0)] + list(maps[i]) for i in range(len(paths))]
    save_panels(rows, ['image', 'mean of heads'] + [f'head {h}' for h in range(heads)], args.out, cmap='inferno')
    print(f'wrote {args.out} ({len(paths)} images x {heads} heads)')


if __name__ == '__main__':
    main()
