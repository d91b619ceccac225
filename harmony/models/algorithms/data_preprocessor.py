"""Pre-training batches to the device: photometric augmentation, normalised float crops, captions trimmed."""
import torch
from mmengine.model import BaseDataPreprocessor

from harmony.datasets.photometric import augmented_crops
from harmony.registry import MODELS
from harmony.structures import PretrainingBatch


@MODELS.register_module()
class PretrainingDataPreprocessor(BaseDataPreprocessor):
    """Pre-training: {'inputs': PretrainingBatch} (uint8 crops, from `collate_pretraining`) -> the batch on the
    device with the crops as normalised floats, each crop augmented first by its photometric parameters when the
    pipeline left them to the device (`MultiCrop(photometric='device')`), and the captions cut to the batch's longest (a causal tower with EOT
    pooling gives the same result at every real token; most web captions are short).

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
        inputs = data['inputs']
        if isinstance(inputs, PretrainingBatch):
            crops = augmented_crops(inputs, self.device)  # on the device, the parameter rows planned on the host
            batch = inputs.replace(global_photometric=None, local_photometric=None, **crops)
            batch = batch.apply(lambda tensor: tensor.to(self.device, non_blocking=True))
            return dict(inputs=self._pretraining(batch), data_samples=None)
        if isinstance(inputs, dict):
            raise TypeError('pre-training inputs arrived as a dict: the dataloader needs '
                            "collate_fn=dict(type='harmony.collate_pretraining') to make a PretrainingBatch")
        data = self.cast_data(data)
        inputs = data['inputs']
        images = torch.stack(list(inputs)) if isinstance(inputs, (list, tuple)) else inputs  # [B, 3, H, W]
        if self.eval_bgr_to_rgb:
            images = images.flip(1)
        return dict(inputs=(images.float() - self.mean) / self.std, data_samples=data.get('data_samples'))

    def _pretraining(self, batch):
        batch = batch.replace(**{name: (getattr(batch, name) - self.mean) / self.std
                                 for name in ('global_crops', 'local_crops') if getattr(batch, name) is not None})
        if batch.text is None or not self.trim_captions:
            return batch
        length = int((batch.text != 0).sum(dim=1).max())
        return batch.replace(**{name: getattr(batch, name)[:, :length] for name in ('text', 'masked_text', 'mlm_mask')
                                if getattr(batch, name) is not None})
