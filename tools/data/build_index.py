"""Write the index of an img2dataset "files" folder once, so that training starts without walking it.

    python tools/data/build_index.py DATA_ROOT [--out index.txt] [--json-captions] [--tsv NAME]

Lists '<shard>/<key>' for every key with an image and a caption file (`.txt`, or `.json` with
--json-captions), sorted, one per line, into DATA_ROOT/index.txt; prints what was left out. Img2DatasetFolder reads
it with index_file='index.txt' (configs/_base_/datasets/cc3m_files.py). With --tsv, also writes DATA_ROOT/NAME, the
same pairs as a table for ImageTextCsv (columns `filepath` and `title`, open_clip's convention; the `.txt` captions
with tabs and line breaks turned into spaces).
"""
import argparse
import sys
import time
from pathlib import Path

from harmony.datasets import build_folder_index


def write_table(root, keys, out, image_suffix):
    lines = ['filepath\ttitle']
    for key in keys:
        caption = (root / f'{key}.txt').read_text(encoding='utf-8', errors='replace')
        lines.append(f'{key}{image_suffix}\t' + ' '.join(caption.split()))
    tmp = out.with_name(out.name + '.tmp')
    tmp.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    tmp.replace(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('data_root')
    parser.add_argument('--out', default='index.txt', help='path relative to DATA_ROOT (or absolute)')
    parser.add_argument('--image-suffix', default='.jpg')
    parser.add_argument('--json-captions', action='store_true', help='captions come from <key>.json fields')
    parser.add_argument('--tsv', help='also write this table (relative to DATA_ROOT) of paths and .txt captions')
    args = parser.parse_args()
    root = Path(args.data_root)
    if not root.is_dir():
        sys.exit(f'error: {root} is not a folder')
    if args.tsv and args.json_captions:
        sys.exit('error: --tsv writes the .txt captions; it cannot be combined with --json-captions')
    start = time.time()
    keys, orphan_images, orphan_captions = build_folder_index(
        root, args.image_suffix, '.json' if args.json_captions else '.txt')
    if not keys:
        sys.exit(f'error: no <shard>/<key>{args.image_suffix} with a caption file under {root}')
    out = root / args.out
    tmp = out.with_name(out.name + '.tmp')
    tmp.write_text('\n'.join(keys) + '\n', encoding='utf-8')
    tmp.replace(out)  # never a half-written index
    if args.tsv:
        write_table(root, keys, root / args.tsv, args.image_suffix)
    print(f'{out}: {len(keys)} pairs in {time.time() - start:.1f} s; left out {orphan_images} images without a '
          f'caption and {orphan_captions} captions without an image')


if __name__ == '__main__':
    main()
