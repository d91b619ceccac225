"""MAE reconstructions of a Harmony training checkpoint: original / masked / reconstruction.

    python tools/visualization/mae_reconstruction.py CONFIG CHECKPOINT IMAGE_DIR [--out FILE.png] [--num 6]
        [--mask-ratio R] [--seed S] [--cfg-options KEY=VALUE ...]

CONFIG: the pre-training config of the run (with the MAE objective); CHECKPOINT: its training checkpoint (the
student's backbone and MAE decoder). The visible patches are pasted into the reconstruction; the mask ratio is the
model's (0.75) unless given.
"""
import argparse

import harmony  # noqa: F401
from mmengine.config import DictAction

from harmony.engine.runner_setup import load_config
from harmony.visualization import load_image_folder, mae_reconstruction, save_panels, to_display
from harmony.visualization.loading import image_size, load_harmony, normalisation


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('image_dir')
    parser.add_argument('--out', default='mae_reconstruction.png')
    parser.add_argument('--num', type=int, default=6, help='number of images (sorted by path)')
    parser.add_argument('--mask-ratio', type=float)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options)
    model = load_harmony(cfg, args.checkpoint)
    if 'mae' not in model.objectives:
        raise ValueError(f'{args.config} trains {model.objectives}: no MAE decoder to reconstruct with')
    mean, std = normalisation(cfg)
    images, paths = load_image_folder(args.image_dir, image_size(cfg), mean, std, args.num)
    masked, reconstruction = mae_reconstruction(model, images, args.mask_ratio, args.seed)
    panels = [to_display(x, mean, std) for x in (images, masked, reconstruction)]
    save_panels([[p[i] for p in panels] for i in range(len(paths))], ['original', 'masked', 'reconstruction'],
                args.out)
    print(f'wrote {args.out} ({len(paths)} images)')


if __name__ == '__main__':
    main()
