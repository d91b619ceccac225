"""JPEG shards as img2dataset writes them, from an image folder or the demo world."""
import tarfile

import pytest
from PIL import Image

from harmony.datasets.image_text import ImageTextShards
from harmony.datasets.image_text.jpeg_shards import folder_pairs, write_jpeg_shards
from harmony.demo.generate import scene_pairs


def test_folder_images_become_short_side_256_shards_that_the_dataset_reads(tmp_path):
    source = tmp_path / 'photos'
    (source / 'a').mkdir(parents=True)
    Image.new('RGB', (640, 480), (200, 10, 10)).save(source / 'a' / 'red_apple.png')
    Image.new('RGB', (300, 900), (10, 10, 200)).save(source / 'a' / 'blue.jpg')
    (source / 'a' / 'blue.txt').write_text('a tall blue picture\n')
    assert write_jpeg_shards(folder_pairs(source), tmp_path / 'shards', count=10, samples_per_shard=1) == 2
    assert sorted(p.name for p in (tmp_path / 'shards').iterdir()) == ['00000.tar', '00001.tar']
    dataset = ImageTextShards(tmp_path / 'shards', '{00000..00001}.tar', num_samples=2)
    pairs = [pair for _, pair in dataset.decoded()]
    assert [pair['caption'] for pair in pairs] == ['a tall blue picture', 'red apple']
    assert [pair['img'].size for pair in pairs] == [(256, 768), (341, 256)]


def test_demo_scenes_are_written_at_the_asked_size(tmp_path):
    assert write_jpeg_shards(scene_pairs(5, image_size=256), tmp_path, count=3) == 3
    with tarfile.open(tmp_path / '00000.tar') as tar:
        assert sorted(tar.getnames()) == [f'00000000{i}.{ext}' for i in range(3) for ext in ('jpg', 'txt')]


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match='no images'):
        next(folder_pairs(tmp_path))
