"""Loss and schedule curves of a run from its logs (mmengine's vis_data/scalars.json).

    python tools/visualization/training_curves.py WORK_DIR [--out FILE.png]

Panels (those the run logged): every loss term, the total loss, logit scale, hard-label weight, teacher
temperature, EMA momentum, learning rate, weight decay, and the validation metrics per validation round.
"""
import argparse
import os.path as osp

from harmony.visualization import plot_training_curves


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_dir')
    parser.add_argument('--out')
    args = parser.parse_args()
    out = args.out or osp.join(args.work_dir, 'training_curves.png')
    drawn = plot_training_curves(args.work_dir, out)
    print(f'wrote {out} ({", ".join(drawn)})')


if __name__ == '__main__':
    main()
