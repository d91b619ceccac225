"""Attention maps of the CLS token in the last block, one per head.

    python tools/visualization/attention_maps.py CONFIG CHECKPOINT IMAGE_DIR [--out FILE.png] [--num 4]
        [--source teacher|student] [--cfg-options KEY=VALUE ...]

CONFIG and CHECKPOINT as for pca_features.py. Writes one PNG: per image row, the image, the mean over heads, and
each head's map (softmax weights over the patches, each map scaled to its own maximum).
"""
import argparse

import harmony  # noqa: F401
from mmengine.config import DictAction

from harmony.engine.runner_setup import load_config
from harmony.visualization import cls_attention, load_image_folder, save_panels, to_display
from harmony.visualization.loading import image_size, load_backbone, normalisation


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('image_dir')
    parser.add_argument('--out', default='attention_maps.png')
    parser.add_argument('--num', type=int, default=4, help='number of images (sorted by path)')
    parser.add_argument('--source', default='teacher', choices=['teacher', 'student'])
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options)
    backbone = load_backbone(cfg, args.checkpoint, args.source)
    mean, std = normalisation(cfg)
    images, paths = load_image_folder(args.image_dir, image_size(cfg), mean, std, args.num)
    maps = cls_attention(backbone, images)  # [B, heads, h, w]
    maps = maps / maps.amax(dim=(-2, -1), keepdim=True)
    shown = to_display(images, mean, std)
    heads = maps.shape[1]
    rows = [[shown[i], maps[i].mean(0)] + list(maps[i]) for i in range(len(paths))]
    save_panels(rows, ['image', 'mean of heads'] + [f'head {h}' for h in range(heads)], args.out, cmap='inferno')
    print(f'wrote {args.out} ({len(paths)} images x {heads} heads)')


if __name__ == '__main__':
    main()
