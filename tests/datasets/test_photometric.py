"""The device path of the photometric augmentation equals torchvision's functional ops applied crop by crop."""
import pytest
import torch
from torchvision.transforms.v2 import functional as TF

from harmony.datasets.photometric import COL, IDENTITY, PARAMS, apply_photometric, draw_photometric

JITTER_FUNCTIONS = (TF.adjust_brightness, TF.adjust_contrast, TF.adjust_saturation, TF.adjust_hue)


def torchvision_chain(image, row):
    """One crop through torchvision's functional ops as `row` says (the worker path's order)."""
    if any(float(row[op]) != identity for op, identity in enumerate(IDENTITY)):
        for op in row[COL['order0']:COL['order0'] + 4].long().tolist():
            image = JITTER_FUNCTIONS[op](image, float(row[op]))
    if row[COL['grayscale']]:
        image = TF.rgb_to_grayscale(image, num_output_channels=3)
    if row[COL['blur_sigma']]:
        image = TF.gaussian_blur(image, kernel_size=9, sigma=float(row[COL['blur_sigma']]))
    if row[COL['solarize']]:
        image = TF.solarize(image, threshold=128 if image.dtype == torch.uint8 else 128 / 255)
    return image


def random_crops(n, size=24):
    """Smooth, saturated random images (uint8): colour blobs, as crops of photos are, not per-pixel noise."""
    coarse = torch.randint(0, 256, (n, 3, 4, 4), dtype=torch.uint8).float()
    return torch.nn.functional.interpolate(coarse, size=size, mode='bilinear').round().to(torch.uint8)


def single_op_rows(n):
    """Rows that each switch on exactly one op (every op, several strengths)."""
    rows = torch.zeros(n, len(PARAMS))
    rows[:, :4] = torch.tensor(IDENTITY)
    rows[:, 4:8] = torch.arange(4)
    for index in range(n):
        kind = index % 7
        if kind < 4:
            rows[index, kind] = ((0.6, 1.4), (0.6, 1.4), (0.8, 1.2), (-0.1, 0.1))[kind][index % 2]
        else:
            rows[index, COL[('grayscale', 'blur_sigma', 'solarize')[kind - 4]]] = 1.0 if kind != 5 else 0.3 + index / n
    return rows


def drawn_rows(n):
    torch.manual_seed(0)
    return torch.stack([draw_photometric((0.4, 0.4, 0.2, 0.1), 0.8, 0.2, (0.1, 2.0), 0.5, 0.2) for _ in range(n)])


@pytest.mark.parametrize('rows', [single_op_rows(28), drawn_rows(40)], ids=['each op', 'the chain'])
def test_equals_torchvision_on_float_images(rows):
    torch.manual_seed(1)
    images = random_crops(len(rows)).float() / 255
    expected = torch.stack([torchvision_chain(image, row) for image, row in zip(images, rows)])
    assert torch.allclose(apply_photometric(images.clone(), rows), expected, atol=1e-5)


@pytest.mark.parametrize('rows', [single_op_rows(28), drawn_rows(40)], ids=['each op', 'the chain'])
def test_equals_torchvision_on_uint8_crops_within_rounding(rows):
    """The old worker path works on uint8, and each of its ops truncates or rounds to whole levels (up to one level
    lost per op, six in a chain, more where a later contrast stretch amplifies them): the float device path stays
    within those levels (measured: each op max 1.2 / mean 0.3, chain max 5.1 / mean 1.3)."""
    torch.manual_seed(2)
    crops = random_crops(len(rows))
    expected = torch.stack([torchvision_chain(crop, row) for crop, row in zip(crops, rows)]).float()
    device = apply_photometric(crops.float() / 255, rows) * 255
    difference = (device - expected).abs()
    assert difference.mean() < 2.0 and difference.max() <= 6, (difference.mean(), difference.max())


def test_drawn_rows_follow_the_settings():
    torch.manual_seed(0)
    rows = torch.stack([draw_photometric((0.4, 0.4, 0.2, 0.1), 0.8, 0.2, (0.1, 2.0), 0.5, 0.2) for _ in range(2000)])
    jittered = (rows[:, :4] != torch.tensor(IDENTITY)).any(dim=1).float().mean()
    assert abs(jittered - 0.8) < 0.03
    assert abs(rows[:, COL['grayscale']].mean() - 0.2) < 0.03
    assert abs((rows[:, COL['blur_sigma']] > 0).float().mean() - 0.5) < 0.03
    sigmas = rows[rows[:, COL['blur_sigma']] > 0, COL['blur_sigma']]
    assert sigmas.min() >= 0.1 and sigmas.max() <= 2.0
    assert rows[:, 0].min() >= 0.6 and rows[:, 0].max() <= 1.4 and rows[:, 3].abs().max() <= 0.1
    assert sorted(rows[0, 4:8].tolist()) == [0, 1, 2, 3]


def test_parameters_must_be_on_the_host():
    with pytest.raises(ValueError, match='CPU tensor'):
        apply_photometric(torch.rand(1, 3, 8, 8), torch.zeros(1, len(PARAMS), device='meta'))
