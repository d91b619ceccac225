"""DINO's multi-crop augmentation: two global views and several local views of one image."""
import torch
from mmcv.transforms import BaseTransform
from torchvision.transforms import v2

from harmony.registry import TRANSFORMS


def _photometric(colour_jitter, grayscale_probability, blur_sigma, blur_probability, solarize_probability=0.0):
    return [
        v2.RandomHorizontalFlip(),
        v2.RandomApply([v2.ColorJitter(*colour_jitter)], p=0.8),
        v2.RandomGrayscale(p=grayscale_probability),
        v2.RandomApply([v2.GaussianBlur(kernel_size=9, sigma=blur_sigma)], p=blur_probability),
        v2.RandomSolarize(threshold=128, p=solarize_probability),
    ]


@TRANSFORMS.register_module()
class MultiCrop(BaseTransform):
    """`img` (PIL RGB) -> `global_crops` [2, 3, G, G] and `local_crops` [num_local, 3, L, L], uint8.

    Global views: scale (0.32, 1.0), colour jitter, grey, blur (p 1.0 on the first, 0.1 on the second) and
    solarisation on the second (p 0.2). Local views: scale (0.05, 0.32), blur p 0.5. Normalisation is left to
    the model's data preprocessor (on the device).

    The blur sigma range (0.1, 2.0) is DINO's for 224-px global crops; it scales with `global_size` so that a
    smaller twin (64 px) blurs its crops as much relative to their size, not 3.5 times more.

    `colour_jitter` (brightness, contrast, saturation, hue; applied with p 0.8) and `grayscale_probability` are
    DINO's by default. Captions that name colours contradict hue shifts and grey crops (CLIP itself trains without
    colour augmentation): the demo, whose captions all name colours, turns both off.
    """

    def __init__(self, global_size=224, local_size=96, num_local=8, global_scale=(0.32, 1.0),
                 local_scale=(0.05, 0.32), colour_jitter=(0.4, 0.4, 0.2, 0.1), grayscale_probability=0.2):
        crop = dict(interpolation=v2.InterpolationMode.BICUBIC, antialias=True)
        sigma = (0.1 * global_size / 224, 2.0 * global_size / 224)
        colour = (colour_jitter, grayscale_probability)
        self.global_views = [
            v2.Compose([v2.RandomResizedCrop(global_size, scale=global_scale, **crop),
                        *_photometric(*colour, sigma, 1.0)]),
            v2.Compose([v2.RandomResizedCrop(global_size, scale=global_scale, **crop),
                        *_photometric(*colour, sigma, 0.1, 0.2)]),
        ]
        self.local_view = v2.Compose([v2.RandomResizedCrop(local_size, scale=local_scale, **crop),
                                      *_photometric(*colour, sigma, 0.5)])
        self.num_local = num_local

    def transform(self, results):
        image = v2.functional.pil_to_tensor(results['img'])  # [3, H, W] uint8
        results['global_crops'] = torch.stack([view(image) for view in self.global_views])
        if self.num_local:
            results['local_crops'] = torch.stack([self.local_view(image) for _ in range(self.num_local)])
        return results
