"""Generate the embedded demo data: a deterministic world of coloured shapes in the real datasets' formats.

    python tools/data/make_demo_data.py data/demo [--seed 0] [--size tiny|small|default] [--image-size 96]

Does nothing when OUT_DIR already holds a complete generation with the same parameters (use --force to redo).
"""
import argparse
import json
import time

from harmony.demo import generate_demo_data, is_complete
from harmony.demo.generate import SIZES


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out_dir', help='where to write the data, e.g. data/demo')
    parser.add_argument('--seed', type=int, default=0, help='random seed; the same seed gives the same bytes')
    parser.add_argument('--size', choices=sorted(SIZES), default='default',
                        help='how many samples: ' + '; '.join(f'{k}: {v["pretrain"]} pairs' for k, v in SIZES.items()))
    parser.add_argument('--image-size', type=int, default=96, help='side of the square images in pixels')
    parser.add_argument('--noise-rate', type=float, default=0.1,
                        help='share of pre-training captions replaced by unrelated (web-like) text')
    parser.add_argument('--force', action='store_true', help='regenerate even if the data is already there')
    return parser.parse_args()


def main():
    args = parse_args()
    params = dict(seed=args.seed, size=args.size, image_size=args.image_size, noise_rate=args.noise_rate)
    if not args.force and is_complete(args.out_dir, **params):
        print(f'demo data already complete in {args.out_dir} ({params}); use --force to regenerate')
        return
    start = time.time()
    manifest = generate_demo_data(args.out_dir, **params)
    summary = {k: manifest[k] for k in ('pretrain', 'classification', 'ade', 'coco', 'retrieval', 'colours')}
    print(f'demo data written to {args.out_dir} in {time.time() - start:.1f} s: {json.dumps(summary)}')


if __name__ == '__main__':
    main()
