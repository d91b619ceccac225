"""Pack a pre-training sample into a `PretrainingSample` (collated by `collate_pretraining`)."""
import dataclasses

import torch
from mmcv.transforms import BaseTransform

from harmony.registry import TRANSFORMS
from harmony.structures import PretrainingSample

SAMPLE_FIELDS = tuple(field.name for field in dataclasses.fields(PretrainingSample))


@TRANSFORMS.register_module()
class PackPretrainingInputs(BaseTransform):
    """{'inputs': PretrainingSample} from the fields the earlier transforms made (absent objectives add none)."""

    def transform(self, results):
        if 'global_crops' not in results:
            raise KeyError('PackPretrainingInputs needs global_crops: put MultiCrop before it in the pipeline')
        return dict(inputs=PretrainingSample(**{field: torch.as_tensor(results[field]) for field in SAMPLE_FIELDS
                                                if field in results}))
