"""MAE reconstructions of a Harmony training checkpoint: original / masked / reconstruction.

    python tools/visualization/mae_reconstruction.py CONFIG CHECKPOINT IMAGE_DIR [--out FILE.png] [--num 6]
        [--mask-ratio R] [--seed S] [--cfg-options KEY=VALUE ...]

CONFIG: the pre-training config of the run (with the MAE objective); CHECKPOINT: its training checkpoint (the
student's backbone and MAE decoder). The visible patches are pasted into the reconstruction; the mask ratio is the
model's (0.75) unless given.
"""
import harmony  # noqa: F401

from harmony.engine.picture_tool_args import picture_tool_inputs
from harmony.visualization import mae_reconstruction, save_panels, to_display
from harmony.visualization.loading import load_harmony


def add_mask_options(parser):
    parser.add_argument('--mask-ratio', type=float)
    parser.add_argument('--seed', type=int, default=0)


def main():
    args, cfg, images, paths, (mean, std) = picture_tool_inputs(__doc__, 'mae_reconstruction.png', 6, add_mask_options)
    model = load_harmony(cfg, args.checkpoint)
    if 'mae' not in model.objectives:
        raise ValueError(f'{args.config} trains {sorted(model.objectives)}: no MAE decoder to reconstruct with')
    masked, reconstruction = mae_reconstruction(model, images, args.mask_ratio, args.seed)
    panels = [to_display(x, mean, std) for x in (images, masked, reconstruction)]
    save_panels([[p[i] for p in panels] for i in range(len(paths))], ['original', 'masked', 'reconstruction'],
                args.out)
    print(f'wrote {args.out} ({len(paths)} images)')


if __name__ == '__main__':
    main()
