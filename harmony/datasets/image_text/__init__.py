"""Image-text pre-training data: img2dataset "files" folders, CSV/TSV tables and WebDataset tar shards."""
from .base import ImageTextDataset
from .csv_table import ImageTextCsv
from .dataset_report import DatasetReport
from .files_layout import Img2DatasetFolder, build_folder_index
from .web_shards import ImageTextShards

__all__ = ['DatasetReport', 'ImageTextCsv', 'ImageTextDataset', 'ImageTextShards', 'Img2DatasetFolder',
           'build_folder_index']
