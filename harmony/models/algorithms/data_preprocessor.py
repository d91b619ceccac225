"""Pre-training batches to the device: normalised float crops (view-major), masks, captions trimmed to length."""
import torch
from mmengine.model import BaseDataPreprocessor

from harmony.registry import MODELS

VIEW_KEYS = ('global_crops', 'local_crops', 'ibot_masks', 'mae_shuffle', 'mae_restore')
TEXT_KEYS = ('text', 'masked_text', 'mlm_mask')


@MODELS.register_module()
class PretrainingDataPreprocessor(BaseDataPreprocessor):
    """Pre-training batches: collated `inputs` (per-sample views [B, V, ...]) -> model inputs with views flattened
    view-major [V*B, ...] (all samples' first view, then all second views...), crops as normalised floats, and
    captions cut to the batch's longest (a causal tower with EOT pooling gives the same result at every real token;
    most web captions are short).

    Evaluation batches from upstream image pipelines (mmpretrain's `PackInputs`: a list or batch of uint8 images
    [3, H, W] in OpenCV's BGR order, with data samples) -> dict(inputs=[B, 3, H, W] normalised RGB, data_samples).

    Args:
        mean, std: per-channel statistics in 0-255 units, RGB (ImageNet by default, as DINO/iBOT and the exports).
        eval_bgr_to_rgb: flip the channels of evaluation images (True for images loaded by OpenCV/mmcv).
        trim_captions: cut the captions to the batch's longest; False keeps the full context (the reference's
            text-distillation centre averages over every position, padding included).
    """

    def __init__(self, mean=(123.675, 116.28, 103.53), std=(58.395, 57.12, 57.375), eval_bgr_to_rgb=True,
                 trim_captions=True):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1), persistent=False)
        self.eval_bgr_to_rgb, self.trim_captions = eval_bgr_to_rgb, trim_captions

    def forward(self, data, training=False):
        data = self.cast_data(data)
        inputs = data['inputs']
        if not isinstance(inputs, dict):
            images = torch.stack(list(inputs)) if isinstance(inputs, (list, tuple)) else inputs  # [B, 3, H, W]
            if self.eval_bgr_to_rgb:
                images = images.flip(1)
            return dict(inputs=(images.float() - self.mean) / self.std, data_samples=data.get('data_samples'))
        out = {}
        for key in VIEW_KEYS:
            if key in inputs:
                out[key] = inputs[key].transpose(0, 1).flatten(0, 1)
        for key in ('global_crops', 'local_crops'):
            if key in out:
                out[key] = (out[key].float() - self.mean) / self.std
        if 'text' in inputs:
            length = int((inputs['text'] != 0).sum(dim=1).max()) if self.trim_captions else inputs['text'].shape[1]
            out.update({key: inputs[key][:, :length] for key in TEXT_KEYS if key in inputs})
        return dict(inputs=out, data_samples=None)
