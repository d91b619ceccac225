"""WebDataset shards as img2dataset writes them for CC3M/CC12M/YFCC: short side resized, JPEG re-encoded.

For measuring the data pipeline on realistic input (tools/analysis/benchmark_data.py --write-shards): the demo's
own pairs are 96-px images, far cheaper to decode than a web download. `pairs` come from an image folder
(`folder_pairs`) or the demo world drawn larger (`harmony.demo.generate.scene_pairs`).
"""
import io
import tarfile
from pathlib import Path

from PIL import Image

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.webp', '.bmp')


def resize_short_side(image, size):
    """img2dataset's `resize_mode=keep_ratio`: the shorter side becomes `size` (bicubic), the ratio is kept."""
    width, height = image.size
    scale = size / min(width, height)
    return image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.BICUBIC)


def folder_pairs(folder):
    """(PIL image, caption) for every image under `folder` (sorted); the caption is `<stem>.txt` beside the image,
    or the file's stem."""
    paths = sorted(p for p in Path(folder).rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise FileNotFoundError(f'no images ({", ".join(IMAGE_SUFFIXES)}) under {folder}')
    for path in paths:
        caption_file = path.with_suffix('.txt')
        caption = caption_file.read_text().strip() if caption_file.is_file() else path.stem.replace('_', ' ')
        yield Image.open(path).convert('RGB'), caption


def _add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    tar.addfile(info, io.BytesIO(data))


def write_jpeg_shards(pairs, out_dir, count, short_side=256, quality=95, samples_per_shard=1000):
    """Write up to `count` of `pairs` as `out_dir/{00000..}.tar` (`<key>.jpg` + `<key>.txt`); returns the number
    of samples written. Shards are written under a temporary name and renamed when complete."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written, tar, shard_path = 0, None, None
    for index, (image, caption) in enumerate(pairs):
        if index == count:
            break
        shard, offset = divmod(index, samples_per_shard)
        if offset == 0:
            if tar is not None:
                tar.close()
                shard_path.with_suffix('.tar.tmp').rename(shard_path)
            shard_path = out / f'{shard:05d}.tar'
            tar = tarfile.open(shard_path.with_suffix('.tar.tmp'), 'w', format=tarfile.USTAR_FORMAT)
        buffer = io.BytesIO()
        resize_short_side(image, short_side).save(buffer, format='JPEG', quality=quality)
        key = f'{shard:05d}{offset:04d}'
        _add(tar, f'{key}.jpg', buffer.getvalue())
        _add(tar, f'{key}.txt', caption.encode())
        written += 1
    if tar is not None:
        tar.close()
        shard_path.with_suffix('.tar.tmp').rename(shard_path)
    return written
