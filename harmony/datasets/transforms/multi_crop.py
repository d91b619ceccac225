"""DINO's multi-crop augmentation: two global views and several local views of one image."""
import torch
from mmcv.transforms import BaseTransform
from torchvision.transforms import v2

from harmony.datasets.photometric import draw_photometric
from harmony.registry import TRANSFORMS

JITTER_PROBABILITY = 0.8
PHOTOMETRIC_PLACES = ('device', 'worker')


@TRANSFORMS.register_module()
class MultiCrop(BaseTransform):
    """`img` (PIL RGB) -> `global_crops` [2, 3, G, G] and `local_crops` [num_local, 3, L, L], uint8.

    Global views: scale (0.32, 1.0), colour jitter, grey, blur (p 1.0 on the first, 0.1 on the second) and
    solarisation on the second (p 0.2). Local views: scale (0.05, 0.32), blur p 0.5. Normalisation is left to
    the model's data preprocessor (on the device).

    `photometric='device'` (default): the worker only crops and flips, and draws each view's colour jitter, grey,
    blur and solarisation parameters (`global_photometric` [2, P], `local_photometric` [num_local, P], layout
    `harmony.datasets.photometric.PARAMS`); the data preprocessor applies them batched on the training device,
    which makes a worker ~3x faster (docs/en/performance.md). `'worker'` applies them here, crop by crop, with
    torchvision's transforms. Both draw from the same distributions.

    The blur sigma range (0.1, 2.0) is DINO's for 224-px global crops; it scales with `global_size` so that a
    smaller twin (64 px) blurs its crops as much relative to their size, not 3.5 times more.

    `colour_jitter` (brightness, contrast, saturation, hue; applied with p 0.8) and `grayscale_probability` are
    DINO's by default. Captions that name colours contradict hue shifts and grey crops (CLIP itself trains without
    colour augmentation): set (0.4, 0.4, 0.2, 0.0) and 0.0 to keep the colours.
    """

    def __init__(self, global_size=224, local_size=96, num_local=8, global_scale=(0.32, 1.0),
                 local_scale=(0.05, 0.32), colour_jitter=(0.4, 0.4, 0.2, 0.1), grayscale_probability=0.2,
                 photometric='device'):
        if photometric not in PHOTOMETRIC_PLACES:
            raise ValueError(f'MultiCrop photometric={photometric!r}: choose one of {PHOTOMETRIC_PLACES}')
        self.photometric = photometric
        crop = dict(interpolation=v2.InterpolationMode.BICUBIC, antialias=True)
        sigma = (0.1 * global_size / 224, 2.0 * global_size / 224)
        # (blur probability, solarisation probability) of global view 1, global view 2 and the local views
        self.photometric_settings = [
            dict(colour_jitter=tuple(colour_jitter), jitter_probability=JITTER_PROBABILITY,
                 grayscale_probability=grayscale_probability, blur_sigma=sigma, blur_probability=blur,
                 solarize_probability=solarize)
            for blur, solarize in ((1.0, 0.0), (0.1, 0.2), (0.5, 0.0))]
        views = [(global_size, global_scale, self.photometric_settings[0]),
                 (global_size, global_scale, self.photometric_settings[1]),
                 (local_size, local_scale, self.photometric_settings[2])]
        self.views = [v2.Compose([v2.RandomResizedCrop(size, scale=scale, **crop), v2.RandomHorizontalFlip(),
                                  *(self._worker_photometric(**settings) if photometric == 'worker' else [])])
                      for size, scale, settings in views]
        self.num_local = num_local

    @staticmethod
    def _worker_photometric(colour_jitter, jitter_probability, grayscale_probability, blur_sigma, blur_probability,
                            solarize_probability):
        return [
            v2.RandomApply([v2.ColorJitter(*colour_jitter)], p=jitter_probability),
            v2.RandomGrayscale(p=grayscale_probability),
            v2.RandomApply([v2.GaussianBlur(kernel_size=9, sigma=blur_sigma)], p=blur_probability),
            v2.RandomSolarize(threshold=128, p=solarize_probability),
        ]

    def _view(self, image, kind):
        crop = self.views[kind](image)
        if self.photometric == 'worker':
            return crop, None
        return crop, draw_photometric(**self.photometric_settings[kind])

    def transform(self, results):
        image = v2.functional.pil_to_tensor(results['img'])  # [3, H, W] uint8
        kinds = {'global': [0, 1], 'local': [2] * self.num_local}
        for name, view_kinds in kinds.items():
            if not view_kinds:
                continue
            crops, params = zip(*(self._view(image, kind) for kind in view_kinds))
            results[f'{name}_crops'] = torch.stack(crops)
            if self.photometric == 'device':
                results[f'{name}_photometric'] = torch.stack(params)
        return results
