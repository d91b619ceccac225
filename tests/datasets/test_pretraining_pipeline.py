import numpy as np
import pytest
import torch

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
    sigmas = [t.transforms[0].sigma for view in MultiCrop(global_size=size).global_views for t in view.transforms
              if hasattr(t, 'transforms') and hasattr(t.transforms[0], 'sigma')]
    assert len(sigmas) == 2
    assert sigmas and all(s == pytest.approx([0.1 * size / 224, 2.0 * size / 224]) for s in sigmas)


@pytest.mark.parametrize('colour_jitter,grayscale,keeps_hue', [((0.4, 0.4, 0.2, 0.1), 0.2, False),
                                                               ((0.4, 0.4, 0.2, 0.0), 0.0, True)])
def test_colour_augmentation_switches(colour_jitter, grayscale, keeps_hue):
    """DINO's colour jitter and grey crops change a red image's hue in some first global crops (CLIP's input);
    the demo's setting never does (the second global crop is still solarised with p 0.2, as in DINO)."""
    from PIL import Image
    torch.manual_seed(0)
    red = Image.new('RGB', (64, 64), (214, 40, 40))
    transform = MultiCrop(global_size=32, local_size=16, num_local=2, colour_jitter=colour_jitter,
                          grayscale_probability=grayscale)
    crops = torch.stack([transform(dict(img=red))['global_crops'][0] for _ in range(30)]).float()  # [30, 3, 32, 32]
    pixels = crops.mean(dim=(2, 3))  # [30, 3] (a uniform image: flat crops)
    red_dominant = (pixels[:, 0] > pixels[:, 1] + 20) & (pixels[:, 0] > pixels[:, 2] + 20)
    assert bool(red_dominant.all()) == keeps_hue
