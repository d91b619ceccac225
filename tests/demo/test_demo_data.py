"""The demo world in every format, read back through the upstream readers (not only our own)."""
import hashlib
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest

from harmony.demo import (CLASS_NAMES, COLOUR_NAMES, COLOURS, SEG_CLASSES, SHAPES, generate_demo_data, is_complete,
                          render_scene)


def _digest(root):
    h = hashlib.sha256()
    for path in sorted(Path(root).rglob('*')):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_generation_is_deterministic(tmp_path, demo_data):
    generate_demo_data(tmp_path, seed=0, size='tiny', image_size=64)
    assert _digest(tmp_path) == _digest(demo_data)
    assert is_complete(tmp_path, seed=0, size='tiny', image_size=64)
    assert not is_complete(tmp_path, seed=1, size='tiny', image_size=64)


def test_regeneration_leaves_no_files_of_a_previous_world(tmp_path):
    stale = tmp_path / 'classification' / 'train' / 'hexagon' / 'hexagon_00000.jpg'
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b'a class of an older demo world')
    generate_demo_data(tmp_path, seed=0, size='tiny', image_size=64)
    assert not stale.parent.exists()
    assert sorted(p.name for p in (tmp_path / 'classification' / 'train').iterdir()) == sorted(SHAPES)


def test_world_is_rich_enough():
    assert len(SHAPES) >= 6 and len(COLOURS) >= 6


def test_img2dataset_files_pair_by_key(demo_data):
    files = sorted((demo_data / 'pretrain' / 'files').rglob('*.jpg'))
    assert len(files) == 48
    for image in files:
        meta = json.loads(image.with_suffix('.json').read_text())
        assert meta['key'] == image.stem and image.parent.name == image.stem[:5]
        assert meta['caption'] == image.with_suffix('.txt').read_text()
        if not meta['noisy']:
            caption = meta['caption'].lower()
            assert all(o['shape'] in caption and o['colour'] in caption for o in meta['objects'])


def test_captions_are_varied_and_partly_noisy(tmp_path):
    manifest = generate_demo_data(tmp_path, seed=3, size='small', image_size=32)
    pairs = manifest['pretrain']['pairs']
    assert 0.05 < manifest['pretrain']['noisy_captions'] / pairs < 0.15
    captions = [p.read_text() for p in (tmp_path / 'pretrain' / 'files').rglob('*.txt')]
    assert len(set(captions)) > 0.8 * len(captions)
    words = ' '.join(captions).lower()
    for phrase in ('to the left of', 'above', 'two ', 'three shapes', 'small', 'large'):
        assert phrase in words, phrase


def test_webdataset_shards_match_files(demo_data):
    import webdataset as wds
    shards = sorted(str(p) for p in (demo_data / 'pretrain' / 'shards').glob('*.tar'))
    assert len(shards) == 3
    samples = list(wds.WebDataset(shards, shardshuffle=False, empty_check=False))
    assert len(samples) == 48
    for sample in samples:
        key = sample['__key__']
        folder = demo_data / 'pretrain' / 'files' / key[:5]
        assert sample['jpg'] == (folder / f'{key}.jpg').read_bytes()
        assert sample['txt'] == (folder / f'{key}.txt').read_bytes()
    with tarfile.open(shards[0]) as tar:
        assert all(m.mtime == 0 for m in tar.getmembers())


@pytest.mark.parametrize('folder,names,splits', [('classification', CLASS_NAMES, (('train', 4), ('val', 2))),
                                                  ('colours', COLOUR_NAMES, (('val', 2),))])
def test_class_folders_load_with_mmpretrain(demo_data, folder, names, splits):
    from mmpretrain.datasets import CustomDataset
    classnames = str(demo_data / folder / 'classnames.txt')
    assert tuple(open(classnames).read().split()) == names
    for split, per_class in splits:
        dataset = CustomDataset(data_root=str(demo_data / folder), data_prefix=split, classes=classnames,
                                pipeline=[])
        assert len(dataset) == per_class * len(names)
        assert tuple(dataset.CLASSES) == names
        for i in range(len(dataset)):
            info = dataset.get_data_info(i)
            # The folder-scanned label and the class list agree: label i is the folder named names[i].
            assert names[int(info['gt_label'])] == info['img_path'].split('/')[-2]


def test_class_sets_name_the_right_attribute():
    assert CLASS_NAMES == tuple(sorted(SHAPES)) and COLOUR_NAMES == tuple(sorted(COLOURS))
    for name in COLOUR_NAMES:
        scene = render_scene(np.random.default_rng(0), 64, 1, colours=[name])
        assert scene.objects[0].colour == name


def test_segmentation_loads_with_mmseg_pipeline(demo_data):
    from mmengine.registry import DefaultScope

    from harmony.demo.datasets import DemoSegDataset
    with DefaultScope.overwrite_default_scope('mmseg'):
        dataset = DemoSegDataset(
            data_root=str(demo_data / 'ade'),
            data_prefix=dict(img_path='images/validation', seg_map_path='annotations/validation'),
            pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations', reduce_zero_label=True),
                      dict(type='PackSegInputs')])
        assert len(dataset) == 6 and dataset.metainfo['classes'] == SEG_CLASSES
        labels = np.concatenate([dataset[i]['data_samples'].gt_sem_seg.data.flatten().numpy()
                                 for i in range(len(dataset))])
    assert set(np.unique(labels)) <= set(range(len(SEG_CLASSES)))
    assert 0 in labels and len(np.unique(labels)) > 2  # background and several shapes


def test_coco_instances_load_with_pycocotools_and_mmdet(demo_data):
    from mmengine.registry import DefaultScope
    from pycocotools.coco import COCO

    from harmony.demo.datasets import DemoCocoDataset
    ann_file = demo_data / 'coco' / 'annotations' / 'instances_val2017.json'
    coco = COCO(str(ann_file))
    assert [c['name'] for c in coco.loadCats(coco.getCatIds())] == list(SHAPES)
    for ann in coco.loadAnns(coco.getAnnIds()):
        mask = coco.annToMask(ann)
        assert int(mask.sum()) == ann['area'] > 0
        ys, xs = np.nonzero(mask)
        x, y, w, h = ann['bbox']
        assert x <= xs.min() and xs.max() < x + w + 1 and y <= ys.min() and ys.max() < y + h + 1
    with DefaultScope.overwrite_default_scope('mmdet'):
        dataset = DemoCocoDataset(
            data_root=str(demo_data / 'coco'), ann_file='annotations/instances_val2017.json',
            data_prefix=dict(img='val2017/'),
            pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
                      dict(type='PackDetInputs')])
        sample = dataset[0]['data_samples']
    assert len(sample.gt_instances) > 0
    assert sample.gt_instances.masks.masks.shape[1:] == (64, 64)


def test_make_demo_data_tool_is_idempotent(tmp_path):
    from tests.conftest import run_tool
    first = run_tool('tools/data/make_demo_data.py', tmp_path, '--size', 'tiny', '--image-size', '32')
    assert 'demo data written' in first.stdout
    second = run_tool('tools/data/make_demo_data.py', tmp_path, '--size', 'tiny', '--image-size', '32')
    assert 'already complete' in second.stdout
    bad = run_tool('tools/data/make_demo_data.py', tmp_path, '--size', 'huge', check=False)
    assert bad.returncode != 0 and 'invalid choice' in bad.stdout
