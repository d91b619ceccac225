"""Image-text pairs listed in a CSV/TSV table (open_clip's convention): an image path column, caption column(s)."""
import csv
from pathlib import Path

from mmengine.logging import print_log

from harmony.registry import DATASETS
from .base import ImageTextDataset, read_bytes


@DATASETS.register_module()
class ImageTextCsv(ImageTextDataset):
    """Rows of `ann_file` (relative to `data_root`): `image_key` holds an image path relative to `data_root`,
    `caption_keys` one or more caption columns (a random non-empty one per sample, e.g. YFCC title/description).

    Args:
        separator: None: tab for .tsv, comma otherwise (open_clip's `--csv-separator`).
        image_key, caption_keys: column names (open_clip's defaults: 'filepath', 'title').
    """

    def __init__(self, data_root, ann_file, pipeline=(), image_key='filepath', caption_keys=('title',),
                 separator=None, **kwargs):
        self.image_key, self.caption_keys = image_key, tuple(caption_keys)
        self.separator = separator or ('\t' if str(ann_file).endswith('.tsv') else ',')
        super().__init__(data_root=data_root, ann_file=ann_file, pipeline=pipeline, **kwargs)

    def load_data_list(self):
        table = Path(self.ann_file)
        if not table.is_file():
            raise FileNotFoundError(f'caption table {table} does not exist (check data_root and ann_file)')
        with open(table, newline='', encoding='utf-8', errors='surrogateescape') as file:
            reader = csv.DictReader(file, delimiter=self.separator)
            missing = [key for key in (self.image_key, *self.caption_keys) if key not in (reader.fieldnames or [])]
            if missing:
                raise KeyError(f'{table} has no column {missing} (its columns: {reader.fieldnames}); set image_key '
                               f'and caption_keys, and separator if the columns are not {self.separator!r}-separated')
            root = Path(self.data_root)
            rows = [dict(key=row[self.image_key], img_path=str(root / row[self.image_key]),
                         captions=[row[k] for k in self.caption_keys]) for row in reader]
        if not rows:
            raise ValueError(f'{table} lists no sample')
        print_log(f'{type(self).__name__}: {len(rows)} rows in {table}', logger='current')
        return rows

    def read_sample(self, info):
        captions = [c.encode('utf-8', errors='surrogateescape') if c is not None else None for c in info['captions']]
        return read_bytes(info['img_path']), captions
