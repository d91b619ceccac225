import numpy as np
import pytest
import torch

from harmony.datasets.photometric import PARAMS, apply_photometric
from harmony.datasets.transforms import MultiCrop, PatchShuffle, TokenizeCaption, blockwise_mask
from harmony.utils.tokenizer import CaptionTokenizer


@pytest.mark.parametrize('target', [0, 5, 20, 40])
@pytest.mark.parametrize('grid, min_block', [((8, 8), 4), ((14, 14), 16)])
def test_blockwise_masks_never_exceed_the_target_and_reach_it(target, grid, min_block):
    for seed in range(20):
        mask = blockwise_mask(np.random.default_rng(seed), grid, target, min_block)
        assert mask.shape == grid and target - 2 <= int(mask.sum()) <= target


def test_caption_masking_keeps_special_tokens_and_masks_a_fifth():
    np.random.seed(0)
    out = TokenizeCaption(mlm_ratio=0.2)(dict(caption='a small red circle to the left of a large blue square'))
    tokenizer = CaptionTokenizer()
    real = (out['text'] != 0) & (out['text'] != tokenizer.sot_id) & (out['text'] != tokenizer.eot_id)
    assert out['mlm_mask'].sum() == round(0.2 * real.sum()) and not (out['mlm_mask'] & ~real).any()
    assert (out['masked_text'][out['mlm_mask']] == tokenizer.mask_id).all()
    assert (out['masked_text'][~out['mlm_mask']] == out['text'][~out['mlm_mask']]).all()


def test_patch_shuffle_restore_is_the_inverse():
    out = PatchShuffle(patch_size=8)(dict(global_crops=torch.zeros(2, 3, 32, 32)))
    shuffled = np.take_along_axis(np.arange(16)[None].repeat(2, 0), out['mae_shuffle'], 1)
    assert (np.take_along_axis(shuffled, out['mae_restore'], 1) == np.arange(16)).all()


@pytest.mark.parametrize('size', [224, 64])
def test_blur_is_dinos_relative_to_the_crop_size(size):
    expected = pytest.approx([0.1 * size / 224, 2.0 * size / 224])
    worker = MultiCrop(global_size=size, photometric='worker')
    sigmas = [t.transforms[0].sigma for view in worker.views[:2] for t in view.transforms
              if hasattr(t, 'transforms') and hasattr(t.transforms[0], 'sigma')]
    assert len(sigmas) == 2 and all(sigma == expected for sigma in sigmas)
    device = MultiCrop(global_size=size, photometric='device')
    assert all(settings['blur_sigma'] == expected for settings in device.photometric_settings)


def first_global_crops(transform, image, count=30):
    """[count, 3, S, S] float first global crops of `image`, photometric augmentation applied wherever it runs."""
    crops, params = [], []
    for _ in range(count):
        out = transform(dict(img=image))
        crops.append(out['global_crops'][0])
        params.append(out['global_photometric'][0] if 'global_photometric' in out else None)
    images = torch.stack(crops).float()
    if params[0] is not None:
        images = apply_photometric(images / 255, torch.stack(params)) * 255
    return images


@pytest.mark.parametrize('photometric', ['device', 'worker'])
@pytest.mark.parametrize('colour_jitter,grayscale,keeps_hue', [((0.4, 0.4, 0.2, 0.1), 0.2, False),
                                                               ((0.4, 0.4, 0.2, 0.0), 0.0, True)])
def test_colour_augmentation_switches(colour_jitter, grayscale, keeps_hue, photometric):
    """DINO's colour jitter and grey crops change a red image's hue in some first global crops (CLIP's input);
    without hue jitter and grey crops it never does (the second global crop is still solarised with p 0.2, as in
    DINO), wherever the photometric augmentation runs."""
    from PIL import Image
    torch.manual_seed(0)
    red = Image.new('RGB', (64, 64), (214, 40, 40))
    transform = MultiCrop(global_size=32, local_size=16, num_local=2, colour_jitter=colour_jitter,
                          grayscale_probability=grayscale, photometric=photometric)
    pixels = first_global_crops(transform, red).mean(dim=(2, 3))  # [30, 3] (a uniform image: flat crops)
    red_dominant = (pixels[:, 0] > pixels[:, 1] + 20) & (pixels[:, 0] > pixels[:, 2] + 20)
    assert bool(red_dominant.all()) == keeps_hue


def test_device_photometric_leaves_uint8_crops_and_one_parameter_row_per_view():
    from PIL import Image
    out = MultiCrop(global_size=32, local_size=16, num_local=3)(dict(img=Image.new('RGB', (48, 40), (10, 20, 30))))
    assert out['global_crops'].dtype == torch.uint8 and out['local_crops'].shape == (3, 3, 16, 16)
    assert out['global_photometric'].shape == (2, len(PARAMS)) and out['local_photometric'].shape == (3, len(PARAMS))
    assert (out['global_crops'] == torch.tensor([10, 20, 30], dtype=torch.uint8).view(3, 1, 1)).all()


def test_unknown_photometric_place_is_refused():
    with pytest.raises(ValueError, match="choose one of \\('device', 'worker'\\)"):
        MultiCrop(photometric='gpu')
