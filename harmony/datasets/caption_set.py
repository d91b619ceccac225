"""Image-caption evaluation sets in Karpathy's JSON layout (Flickr30k, COCO, the demo caption set)."""
import json
import os.path as osp

from mmengine.dataset import BaseDataset

from harmony.registry import DATASETS


@DATASETS.register_module()
class KarpathyCaptions(BaseDataset):
    """One item per image of `split`: dict(img_path, text=[its captions], image_id).

    `ann_file` is Karpathy's `dataset_flickr30k.json` / `dataset_coco.json` (or the demo's `captions.json`):
    {"images": [{"filename", ["filepath",] "split", "sentences": [{"raw": ...}, ...]}, ...]}. Image paths are
    `data_root/data_prefix/[filepath/]filename` (COCO's test images carry filepath 'val2014').
    """

    def __init__(self, data_root, ann_file, data_prefix='', split='test', pipeline=(), **kwargs):
        self.split, self.image_prefix = split, data_prefix
        super().__init__(data_root=data_root, ann_file=ann_file, pipeline=list(pipeline), **kwargs)

    def load_data_list(self):
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'caption file {self.ann_file} does not exist (check data_root and ann_file)')
        with open(self.ann_file, encoding='utf-8') as file:
            images = json.load(file)['images']
        items = [dict(img_path=osp.join(self.data_root, self.image_prefix, image.get('filepath', ''),
                                        image['filename']),
                      text=[sentence['raw'].strip() for sentence in image['sentences']], image_id=index)
                 for index, image in enumerate(i for i in images if i['split'] == self.split)]
        if not items:
            splits = sorted({image['split'] for image in images})
            raise ValueError(f'{self.ann_file} has no image in split {self.split!r} (its splits: {splits})')
        return items
