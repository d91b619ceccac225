"""PCA of patch features as RGB over each image (the DINOv2 picture).

    python tools/visualization/pca_features.py CONFIG CHECKPOINT IMAGE_DIR [--out FILE.png] [--num 8]
        [--source teacher|student] [--cfg-options KEY=VALUE ...]

CONFIG: the pre-training config (backbone arch, input size, normalisation); CHECKPOINT: a training checkpoint
(EMA teacher's backbone by default) or an exported backbone. One PCA basis is fitted on all patches of the shown
images, so a colour means the same feature direction in every row. Writes one PNG (image | PCA) per image row.
"""
import argparse

import harmony  # noqa: F401
import torch
from mmengine.config import DictAction

from harmony.engine.runner_setup import load_config
from harmony.visualization import load_image_folder, pca_rgb, save_panels, to_display
from harmony.visualization.loading import image_size, load_backbone, normalisation


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('image_dir')
    parser.add_argument('--out', default='pca_features.png')
    parser.add_argument('--num', type=int, default=8, help='number of images (sorted by path)')
    parser.add_argument('--source', default='teacher', choices=['teacher', 'student'])
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options)
    backbone = load_backbone(cfg, args.checkpoint, args.source)
    mean, std = normalisation(cfg)
    images, paths = load_image_folder(args.image_dir, image_size(cfg), mean, std, args.num)
    with torch.no_grad():
        tokens = backbone.forward_tokens(images)[:, 1:]  # [B, N, C]
    grid = (images.shape[-2] // backbone.patch_size, images.shape[-1] // backbone.patch_size)
    rgb = pca_rgb(tokens, grid)
    shown = to_display(images, mean, std)
    save_panels([[shown[i], rgb[i]] for i in range(len(paths))], ['image', 'patch PCA (RGB = PC 1-3)'], args.out)
    print(f'wrote {args.out} ({len(paths)} images from {args.image_dir})')


if __name__ == '__main__':
    main()
