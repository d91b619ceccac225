"""Pack a pre-training sample into the model's input dict (collated by mmengine's `default_collate`)."""
import torch
from mmcv.transforms import BaseTransform

from harmony.registry import TRANSFORMS

PRETRAINING_KEYS = ('global_crops', 'local_crops', 'ibot_masks', 'mae_shuffle', 'mae_restore', 'text', 'masked_text',
                    'mlm_mask')


@TRANSFORMS.register_module()
class PackPretrainingInputs(BaseTransform):
    """{'inputs': {key: tensor}} for the keys present among PRETRAINING_KEYS (absent objectives add none)."""

    def transform(self, results):
        inputs = {key: torch.as_tensor(results[key]) for key in PRETRAINING_KEYS if key in results}
        if 'global_crops' not in inputs:
            raise KeyError('PackPretrainingInputs needs global_crops: put MultiCrop before it in the pipeline')
        return dict(inputs=inputs)
