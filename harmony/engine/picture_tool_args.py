"""The command line of the picture tools (tools/visualization): config, checkpoint, images."""
import argparse

from mmengine.config import DictAction

from harmony.visualization import load_image_folder
from harmony.visualization.loading import image_size, normalisation
from .checkpoint_loading import trust_checkpoint
from .runner_setup import load_config


def picture_tool_inputs(doc, out, num, add_arguments=None):
    """Command line of the picture tools (CONFIG CHECKPOINT IMAGE_DIR [--out] [--num] [--cfg-options], plus what
    `add_arguments(parser)` adds) -> (args, cfg, images [B, 3, H, W] normalised, image paths, (mean, std))."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('image_dir')
    parser.add_argument('--out', default=out)
    parser.add_argument('--num', type=int, default=num, help='number of images (sorted by path)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args()
    trust_checkpoint(args.checkpoint)
    cfg = load_config(args.config, args.cfg_options)
    mean, std = normalisation(cfg)
    images, paths = load_image_folder(args.image_dir, image_size(cfg), mean, std, args.num)
    return args, cfg, images, paths, (mean, std)
