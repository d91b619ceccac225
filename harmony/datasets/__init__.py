"""Datasets: image-text pre-training data, its sampler and transforms, Karpathy caption sets."""
from .bad_samples import REASONS, BadSample, BadSampleLog, TooManyBadSamples
from .caption_set import KarpathyCaptions
from .collate import collate_pretraining
from .image_text import (DatasetReport, ImageTextCsv, ImageTextDataset, ImageTextShards, Img2DatasetFolder,
                         build_folder_index)
from .resumable_sampler import ResumableSampler
from .transforms import BlockwiseMasks, MultiCrop, PackPretrainingInputs, PatchShuffle, TokenizeCaption

__all__ = ['REASONS', 'BadSample', 'BadSampleLog', 'BlockwiseMasks', 'DatasetReport', 'ImageTextCsv',
           'ImageTextDataset', 'ImageTextShards', 'Img2DatasetFolder', 'KarpathyCaptions', 'MultiCrop',
           'PackPretrainingInputs', 'PatchShuffle', 'ResumableSampler', 'TokenizeCaption', 'TooManyBadSamples',
           'build_folder_index', 'collate_pretraining']
