"""Pre-training batches to the device: normalised float crops (view-major), masks, captions trimmed to length."""
import torch
from mmengine.model import BaseDataPreprocessor

from harmony.registry import MODELS

VIEW_KEYS = ('global_crops', 'local_crops', 'ibot_masks', 'mae_shuffle', 'mae_restore')
TEXT_KEYS = ('text', 'masked_text', 'mlm_mask')


@MODELS.register_module()
class PretrainingDataPreprocessor(BaseDataPreprocessor):
    """Collated `inputs` (per-sample views [B, V, ...]) -> model inputs with views flattened view-major [V*B, ...]
    (all samples' first view, then all second views...), crops as normalised floats, and captions cut to the
    batch's longest (a causal tower with EOT pooling gives the same result; most web captions are short).

    Args:
        mean, std: per-channel statistics in 0-255 units (ImageNet by default, as DINO/iBOT and the exports).
    """

    def __init__(self, mean=(123.675, 116.28, 103.53), std=(58.395, 57.12, 57.375)):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1), persistent=False)

    def forward(self, data, training=False):
        inputs = self.cast_data(data)['inputs']
        out = {}
        for key in VIEW_KEYS:
            if key in inputs:
                out[key] = inputs[key].transpose(0, 1).flatten(0, 1)
        for key in ('global_crops', 'local_crops'):
            if key in out:
                out[key] = (out[key].float() - self.mean) / self.std
        if 'text' in inputs:
            length = int((inputs['text'] != 0).sum(dim=1).max())
            out.update({key: inputs[key][:, :length] for key in TEXT_KEYS if key in inputs})
        return dict(inputs=out, data_samples=None)
