"""Image-text pairs in img2dataset's "files" layout, paired by key."""
from pathlib import Path

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from harmony.registry import DATASETS


@DATASETS.register_module()
class Img2DatasetFolder(BaseDataset):
    """`data_root/<shard>/<key>.jpg` + `<key>.txt`: a pair is an image and the caption with the same key.

    A sample whose caption file is missing or empty is skipped and counted, never paired with another caption.
    (Lists the folders at start-up: fine for the demo and small sets; web-scale formats are separate datasets.)
    Each item: dict(img_path, caption, key) before the pipeline.
    """

    def __init__(self, data_root, pipeline=(), image_suffix='.jpg', **kwargs):
        self.image_suffix = image_suffix
        super().__init__(data_root=data_root, pipeline=list(pipeline), **kwargs)

    def load_data_list(self):
        root = Path(self.data_root)
        if not root.is_dir():
            raise FileNotFoundError(f'image-text folder {root} does not exist (check data_root)')
        samples, skipped = [], 0
        for image in sorted(root.glob(f'*/*{self.image_suffix}')):
            caption_file = image.with_suffix('.txt')
            caption = ''
            if caption_file.is_file():
                caption = caption_file.read_text(encoding='utf-8', errors='replace').strip()
            if not caption:
                skipped += 1
                continue
            samples.append(dict(img_path=str(image), caption=caption, key=image.stem))
        if not samples:
            raise FileNotFoundError(f'no image-caption pair under {root} (expected <shard>/<key>{self.image_suffix} '
                                    f'with <key>.txt beside it)')
        print_log(f'{type(self).__name__}: {len(samples)} pairs in {root}, {skipped} images without a caption '
                  'skipped', logger='current')
        return samples
