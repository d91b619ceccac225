"""Image-text pairs in img2dataset's "files" layout (`<shard>/<key>.jpg` + `<key>.txt` [+ `<key>.json`])."""
import os
from pathlib import Path

from mmengine.logging import print_log

from harmony.registry import DATASETS
from ..pair_decoding import json_fields
from .base import ImageTextDataset, read_bytes


def build_folder_index(root, image_suffix='.jpg', caption_suffix='.txt'):
    """One walk over `root/<shard>/`: the sorted keys ('<shard>/<key>') that have an image and a caption file.

    Returns (keys, images without a caption, captions without an image).
    """
    keys, orphan_images, orphan_captions = [], 0, 0
    for shard in sorted(entry.name for entry in os.scandir(root) if entry.is_dir()):
        names = os.listdir(os.path.join(root, shard))
        images = {n[:-len(image_suffix)] for n in names if n.endswith(image_suffix)}
        captions = {n[:-len(caption_suffix)] for n in names if n.endswith(caption_suffix)}
        keys.extend(f'{shard}/{key}' for key in sorted(images & captions))
        orphan_images += len(images - captions)
        orphan_captions += len(captions - images)
    return keys, orphan_images, orphan_captions


@DATASETS.register_module()
class Img2DatasetFolder(ImageTextDataset):
    """`data_root/<shard>/<key>.jpg` + `<key>.txt` (or fields of `<key>.json`): pairs made by key, never by order.

    The listing comes from `index_file` (one '<shard>/<key>' per line, written once by
    `tools/data/build_index.py DATA_ROOT`), so that start-up reads one file instead of walking millions; without
    it the folders are walked at start-up (fine up to ~10^5 files). Keys without a caption are left out and
    counted; a file that disappears after listing is a counted bad sample.

    Args:
        index_file: path relative to `data_root` (or absolute); None: walk the folders.
        caption_keys: None: the caption is `<key>.txt`; a tuple of JSON fields (YFCC: ('title', 'description')):
            a random non-empty one of them from `<key>.json`.
    """

    def __init__(self, data_root, pipeline=(), index_file=None, image_suffix='.jpg', caption_keys=None, **kwargs):
        self.index_file, self.image_suffix = index_file, image_suffix
        self.caption_keys = tuple(caption_keys) if caption_keys else None
        super().__init__(data_root=data_root, pipeline=pipeline, **kwargs)

    @property
    def caption_suffix(self):
        return '.json' if self.caption_keys else '.txt'

    def load_data_list(self):
        root = Path(self.data_root)
        if not root.is_dir():
            raise FileNotFoundError(f'image-text folder {root} does not exist (check data_root)')
        if self.index_file:
            index = root / self.index_file
            if not index.is_file():
                raise FileNotFoundError(f'index {index} does not exist: build it once with '
                                        f'`python tools/data/build_index.py {root}`, or set index_file=None')
            keys = index.read_text(encoding='utf-8').split()
            note = f'from {index}'
        else:
            keys, orphans, _ = build_folder_index(root, self.image_suffix, self.caption_suffix)
            note = f'{orphans} images without a caption left out'
        if not keys:
            raise FileNotFoundError(f'no image-caption pair under {root} (expected <shard>/<key>{self.image_suffix} '
                                    f'with <key>{self.caption_suffix} beside it)')
        print_log(f'{type(self).__name__}: {len(keys)} pairs in {root} ({note})', logger='current')
        return [dict(key=key, img_path=str(root / f'{key}{self.image_suffix}')) for key in keys]

    def read_sample(self, info):
        stem = info['img_path'][:-len(self.image_suffix)]
        caption = read_bytes(stem + self.caption_suffix)
        captions = json_fields(caption, self.caption_keys) if self.caption_keys else [caption]
        return read_bytes(info['img_path']), captions
