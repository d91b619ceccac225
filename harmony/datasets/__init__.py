"""Datasets: image-text pre-training data and its transforms, the demo world and the demo downstream sets."""
from .demo_coco import DemoCocoDataset
from .demo_seg import DemoSegDataset
from .image_text_folder import Img2DatasetFolder
from .transforms import (BlockwiseMasks, LoadImageRGB, MultiCrop, PackPretrainingInputs, PatchShuffle,
                         TokenizeCaption)

__all__ = ['BlockwiseMasks', 'DemoCocoDataset', 'DemoSegDataset', 'Img2DatasetFolder', 'LoadImageRGB', 'MultiCrop',
           'PackPretrainingInputs', 'PatchShuffle', 'TokenizeCaption']
