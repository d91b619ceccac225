"""DINO's photometric augmentation as per-view parameters: drawn in the data workers, applied batched on the device.

The workers cut the crops (geometry and flip, uint8) and draw, from the sample's keyed randomness, one parameter
row per view (layout `PARAMS`); `apply_photometric` then runs colour jitter, greyscale, Gaussian blur and
solarisation on a whole batch of crops at once, each crop with its own row. For the same row, the result equals
torchvision's functional ops applied crop by crop (float images; within uint8 rounding on uint8 ones):
tests/datasets/test_photometric.py.

A view's row: the colour-jitter factors (identity when jitter was not drawn), the order in which the four jitter
ops run (torchvision's ColorJitter draws a random one), greyscale 0/1, the blur sigma (0: no blur) and
solarisation 0/1. `augmented_crops` applies a batch's rows to its crops (the data preprocessor, the benchmarks).
"""
import torch
import torch.nn.functional as F

PARAMS = ('brightness', 'contrast', 'saturation', 'hue', 'order0', 'order1', 'order2', 'order3', 'grayscale',
          'blur_sigma', 'solarize')
COL = {name: index for index, name in enumerate(PARAMS)}
JITTER_OPS = ('brightness', 'contrast', 'saturation', 'hue')  # op id = index, as torchvision's ColorJitter
IDENTITY = (1.0, 1.0, 1.0, 0.0)  # factors that leave an image unchanged
BLUR_KERNEL = 9
GREY_WEIGHTS = (0.2989, 0.587, 0.114)  # torchvision's rgb_to_grayscale
SOLARIZE_THRESHOLD = 128 / 255


def _factor_range(strength, centre):
    return (max(0.0, centre - strength), centre + strength) if centre else (-strength, strength)


def draw_photometric(colour_jitter, jitter_probability, grayscale_probability, blur_sigma, blur_probability,
                     solarize_probability):
    """One view's parameter row [len(PARAMS)] float32, drawn from torch's global generator (which the dataset
    seeds per sample) with the distributions of torchvision's RandomApply(ColorJitter), RandomGrayscale,
    RandomApply(GaussianBlur) and RandomSolarize."""
    row = torch.zeros(len(PARAMS))
    row[:4] = torch.tensor(IDENTITY)
    row[4:8] = torch.arange(4)
    if torch.rand(()) < jitter_probability:
        row[4:8] = torch.randperm(4)
        for op, (strength, centre) in enumerate(zip(colour_jitter, IDENTITY)):
            if strength:
                row[op] = torch.empty(()).uniform_(*_factor_range(strength, centre))
    row[COL['grayscale']] = float(torch.rand(()) < grayscale_probability)
    if torch.rand(()) < blur_probability:
        row[COL['blur_sigma']] = torch.empty(()).uniform_(*blur_sigma)
    row[COL['solarize']] = float(torch.rand(()) < solarize_probability)
    return row


def _grey(images):  # [N, 3, H, W] -> [N, 1, H, W]
    r, g, b = images.unbind(1)
    return (r * GREY_WEIGHTS[0]).add_(g, alpha=GREY_WEIGHTS[1]).add_(b, alpha=GREY_WEIGHTS[2]).unsqueeze(1)


def _blend(images, other, ratio):  # ratio [N, 1, 1, 1]; images are overwritten
    return images.mul_(ratio).add_(other * (1 - ratio)).clamp_(0, 1)


def _brightness(images, factor):
    return images.mul_(factor).clamp_(0, 1)


def _contrast(images, factor):
    return _blend(images, _grey(images).mean(dim=(1, 2, 3), keepdim=True), factor)


def _saturation(images, factor):
    return _blend(images, _grey(images), factor)


def _hue(images, shift):
    """Rotate the hue of each image by its `shift` (fraction of a turn), through HSV."""
    top = images.amax(dim=1)  # V, [N, H, W]
    spread = top - images.amin(dim=1)
    flat = spread == 0
    saturation = spread / torch.where(flat, 1.0, top)
    r, g, b = (top.unsqueeze(1) - images).div_(torch.where(flat, 1.0, spread).unsqueeze(1)).unbind(1)
    # the first channel holding the maximum names the sector, as in torchvision (red before green before blue)
    red_max, green_max = top == images[:, 0], top == images[:, 1]
    hue = torch.where(red_max, b - g, torch.where(green_max, 2 + r - b, 4 + g - r))
    hue = hue.div_(6).add_(1).fmod_(1).add_(shift.view(-1, 1, 1)).remainder_(1)
    # back to RGB: the hue's sector picks which of (v, p, q, t) each channel takes
    hue6 = hue.mul_(6)
    sector = torch.floor(hue6)
    frac = hue6.sub_(sector)
    sector = sector.long().remainder_(6)
    scaled_frac, unsaturated = saturation * frac, 1 - saturation
    q = (1 - scaled_frac).mul_(top).clamp_(0, 1)
    t = scaled_frac.add_(unsaturated).mul_(top).clamp_(0, 1)
    p = unsaturated.mul_(top).clamp_(0, 1)
    candidates = torch.stack((top, p, q, t), dim=1)  # [N, 4, H, W]
    pick = torch.tensor([[0, 2, 1, 1, 3, 0], [3, 0, 0, 2, 1, 1], [1, 1, 3, 0, 0, 2]], device=images.device)
    return candidates.gather(1, pick[:, sector].transpose(0, 1))


def _blur(images, sigma):
    """Gaussian blur of each image with its own sigma [N]: 9-tap kernels, reflect padding (torchvision's)."""
    n, c, h, w = images.shape
    taps = torch.arange(BLUR_KERNEL, device=images.device, dtype=images.dtype) - BLUR_KERNEL // 2
    kernel = torch.softmax(-0.5 * (taps / sigma.view(-1, 1)) ** 2, dim=1).repeat_interleave(c, 0)  # [N*C, 9]
    pad = BLUR_KERNEL // 2
    x = F.pad(images.reshape(1, n * c, h, w), (pad, pad, pad, pad), mode='reflect')
    x = F.conv2d(x, kernel.view(n * c, 1, 1, BLUR_KERNEL), groups=n * c)
    x = F.conv2d(x, kernel.view(n * c, 1, BLUR_KERNEL, 1), groups=n * c)
    return x.view(n, c, h, w)


def _solarize(images, _):
    return torch.where(images >= SOLARIZE_THRESHOLD, 1 - images, images, out=images)


_JITTER = (_brightness, _contrast, _saturation, _hue)


def _apply_to_rows(images, rows, op, values):
    """images[rows] = op(images[rows], values[rows]) for the `rows` (CPU index tensor), in place."""
    if len(rows):
        index = rows.to(images.device, non_blocking=True)
        images.index_copy_(0, index, op(images.index_select(0, index), values.index_select(0, index)))


def apply_photometric(images, params):
    """`images` [N, 3, H, W] float32 in [0, 1] (any device), `params` [N, len(PARAMS)] (CPU: the rows to touch are
    chosen on the host, so nothing waits for the device) -> the augmented images, in place, in float32 also under
    autocast (uint8 levels need more precision than half floats keep through the chain)."""
    if params.device.type != 'cpu':
        raise ValueError('apply_photometric plans on the host: pass the parameter rows as a CPU tensor')
    with torch.autocast(images.device.type, enabled=False):
        return _apply(images, params)


def augmented_crops(batch, device=None):
    """{'global_crops': [N, 3, H, W], 'local_crops': ...}: a `PretrainingBatch`'s uint8 crops as floats in 0-255 on
    `device` (default: where they are), each augmented by its parameter row when the batch carries them."""
    crops = {}
    for view in ('global', 'local'):
        images = getattr(batch, f'{view}_crops')
        if images is None:
            continue
        images = images.to(device or images.device, non_blocking=True).float()
        rows = getattr(batch, f'{view}_photometric')
        if rows is not None:
            images = apply_photometric(images.div_(255), rows.cpu()).mul_(255)
        crops[f'{view}_crops'] = images
    return crops


def _apply(images, params):
    values = params.to(images.device, non_blocking=True)
    jittered = (params[:, :4] != torch.tensor(IDENTITY)).any(dim=1)
    for position in range(4):  # each op at its drawn place in the order
        for op, transform in enumerate(_JITTER):
            rows = torch.nonzero(jittered & (params[:, COL['order0'] + position] == op)).flatten()
            _apply_to_rows(images, rows, lambda x, v, o=op, t=transform: t(x, v[:, o].view(-1, 1, 1, 1)), values)
    grey_rows = torch.nonzero(params[:, COL['grayscale']] > 0).flatten()
    _apply_to_rows(images, grey_rows, lambda x, v: _grey(x).expand_as(x), values)
    blur_rows = torch.nonzero(params[:, COL['blur_sigma']] > 0).flatten()
    _apply_to_rows(images, blur_rows, lambda x, v: _blur(x, v[:, COL['blur_sigma']]), values)
    solarize_rows = torch.nonzero(params[:, COL['solarize']] > 0).flatten()
    _apply_to_rows(images, solarize_rows, _solarize, values)
    return images
