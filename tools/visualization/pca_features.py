"""PCA of patch features as RGB over each image (the DINOv2 picture).

    python tools/visualization/pca_features.py CONFIG CHECKPOINT IMAGE_DIR [--out FILE.png] [--num 8]
        [--source teacher|student] [--cfg-options KEY=VALUE ...]

CONFIG: the pre-training config (backbone arch, input size, normalisation); CHECKPOINT: a training checkpoint
(EMA teacher's backbone by default) or an exported backbone. One PCA basis is fitted on all patches of the shown
images, so a colour means the same feature direction in every row. Writes one PNG (image | PCA) per image row.
"""
import harmony  # noqa: F401
import torch

from harmony.engine.picture_tool_args import picture_tool_inputs
from harmony.visualization import pca_rgb, save_panels, to_display
from harmony.visualization.loading import load_backbone


def add_source(parser):
    parser.add_argument('--source', default='teacher', choices=['teacher', 'student'])


def main():
    args, cfg, images, paths, (mean, std) = picture_tool_inputs(__doc__, 'pca_features.png', 8, add_source)
    backbone = load_backbone(cfg, args.checkpoint, args.source)
    with torch.no_grad():
        tokens = backbone.forward_tokens(images)[:, 1:]  # [B, N, C]
    grid = (images.shape[-2] // backbone.patch_size, images.shape[-1] // backbone.patch_size)
    rgb = pca_rgb(tokens, grid)
    shown = to_display(images, mean, std)
    save_panels([[shown[i], rgb[i]] for i in range(len(paths))], ['image', 'patch PCA (RGB = PC 1-3)'], args.out)
    print(f'wrote {args.out} ({len(paths)} images from {args.image_dir})')


if __name__ == '__main__':
    main()
