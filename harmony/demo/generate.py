"""Write the demo world in the formats of the real datasets.

Layout under `out_dir` (docs/en/data.md, "Demo data"):

    pretrain/files/00000/000000000.{jpg,txt,json}  img2dataset "files" layout (image-text pairs)
    pretrain/shards/00000.tar                       the same pairs as WebDataset shards
    classification/{train,val}/<class>/*.jpg        ImageNet class-folder layout, + classnames.txt
    colours/val/<colour>/*.jpg                      the same layout, one shape per image labelled by its colour
    ade/{images,annotations}/{training,validation}  ADE20K layout, label PNGs (0 other, 1 background, 2+ shapes)
    coco/{train2017,val2017}/*.jpg                  COCO layout, + annotations/instances_{train,val}2017.json
    retrieval/images/*.jpg + captions.json          Karpathy's Flickr30k/COCO caption layout (3 captions/image)
    manifest.json                                   what was generated; written last, marks completion

Each sample is drawn from its own generator seeded by (seed, split, index): a sample does not depend on how
many others were asked for.
"""
import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import numpy as np

from harmony.utils.progress import progress_bar
from .captions import describe_scene, noisy_caption
from .world import COLOURS, SHAPES, polygon_mask, render_scene

FORMAT_VERSION = 5
SIZES = {
    # pretrain pairs, classification images per class (train, val), segmentation and COCO images (train, val),
    # retrieval images (3 captions each), colour images per colour (val)
    'tiny': dict(pretrain=48, cls_per_class=(4, 2), seg=(12, 6), coco=(12, 6), retrieval=12, colour_per_class=2,
                 samples_per_shard=16),
    'small': dict(pretrain=600, cls_per_class=(10, 5), seg=(60, 20), coco=(60, 20), retrieval=50,
                  colour_per_class=5, samples_per_shard=200),
    # shape validation set of 600 images (100 per shape): an accuracy near chance (1/6) has a sampling std of 1.5
    # points; colours 300 (2.2 points)
    'default': dict(pretrain=4000, cls_per_class=(100, 100), seg=(400, 100), coco=(400, 100), retrieval=200,
                    colour_per_class=50, samples_per_shard=1000),
}
SPLIT_IDS = {'pretrain': 0, 'cls_train': 1, 'cls_val': 2, 'seg_train': 3, 'seg_val': 4, 'coco_train': 5,
             'coco_val': 6, 'retrieval': 7, 'colour_val': 8}
CAPTIONS_PER_IMAGE = 3
SPLIT_DIRS = ('pretrain', 'classification', 'ade', 'coco', 'retrieval', 'colours')  # what a generation writes
SEG_CLASSES = ('background', ) + SHAPES
CLASS_NAMES = tuple(sorted(SHAPES))  # classification classes, in folder (label) order
COLOUR_NAMES = tuple(sorted(COLOURS))


def _rng(seed, split, index):
    return np.random.default_rng([seed, SPLIT_IDS[split], index])


def _num_objects(rng):
    return int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, format='JPEG', quality=92)
    return buffer.getvalue()


def _write_atomic(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + '.tmp')
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _tar_member(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def write_pretrain(out, seed, count, image_size, samples_per_shard, noise_rate):
    """Image-text pairs as img2dataset folders and as WebDataset shards with identical keys and bytes."""
    files_root, shards_root = out / 'pretrain' / 'files', out / 'pretrain' / 'shards'
    shards_root.mkdir(parents=True, exist_ok=True)
    previous_caption, tar, noisy = None, None, 0
    bar = progress_bar(count, 'pre-training pairs: ')
    for index in range(count):
        shard, offset = divmod(index, samples_per_shard)
        if offset == 0:
            if tar is not None:
                tar.close()
            tar = tarfile.open(shards_root / f'{shard:05d}.tar', 'w', format=tarfile.USTAR_FORMAT)
        rng = _rng(seed, 'pretrain', index)
        scene = render_scene(rng, image_size, _num_objects(rng))
        faithful = describe_scene(scene, rng)
        is_noisy = bool(rng.random() < noise_rate)
        caption = noisy_caption(rng, previous_caption) if is_noisy else faithful
        noisy += is_noisy
        previous_caption = faithful
        key = f'{shard:05d}{offset:04d}'
        meta = dict(key=key, caption=caption, noisy=is_noisy, width=image_size, height=image_size,
                    background=scene.background,
                    objects=[dict(shape=o.shape, colour=o.colour, size=o.size, bbox=o.bbox) for o in scene.objects])
        payload = {'jpg': _jpeg(scene.image), 'txt': caption.encode(), 'json': json.dumps(meta).encode()}
        for ext, data in payload.items():
            _write_atomic(files_root / f'{shard:05d}' / f'{key}.{ext}', data)
            _tar_member(tar, f'{key}.{ext}', data)
        bar.update()
    tar.close()
    print()
    return dict(pairs=count, noisy_captions=noisy, shards=-(-count // samples_per_shard))


def scene_pairs(count, image_size, seed=0):
    """(PIL image, faithful caption) of the first `count` pre-training scenes drawn at `image_size` px (the same
    scenes as the pre-training split at its own size)."""
    for index in range(count):
        rng = _rng(seed, 'pretrain', index)
        scene = render_scene(rng, image_size, _num_objects(rng))
        yield scene.image, describe_scene(scene, rng)


def _write_class_folders(root, names, per_class, splits, seed, image_size, attribute):
    """Class-folder images of one object each, whose `attribute` ('shapes' or 'colours') is the class.

    As in ImageNet, class index = rank of the folder name in sorted order, and classnames.txt lists the
    classes in that order (folder-scanning readers and the class list agree).
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / 'classnames.txt').write_text('\n'.join(names) + '\n')
    counts = {}
    for split, n in zip(splits, per_class):
        bar = progress_bar(n * len(names), f'{root.name} {split}: ')
        for label, name in enumerate(names):
            for k in range(n):
                rng = _rng(seed, f'{"cls" if attribute == "shapes" else "colour"}_{split}', label * n + k)
                scene = render_scene(rng, image_size, 1, **{attribute: [name]})
                _write_atomic(root / split / name / f'{name}_{k:05d}.jpg', _jpeg(scene.image))
                bar.update()
        print()
        counts[split] = n * len(names)
    return counts


def write_classification(out, seed, per_class, image_size):
    """One shape per image; the class is the shape, whatever its colour, size or background."""
    return _write_class_folders(out / 'classification', CLASS_NAMES, per_class, ('train', 'val'), seed,
                                image_size, 'shapes')


def write_colours(out, seed, per_class, image_size):
    """One shape per image; the class is its colour, whatever its shape (a zero-shot set of the easiest concept in
    the captions: a few minutes of CLIP learn colour words, shapes take far longer)."""
    return _write_class_folders(out / 'colours', COLOUR_NAMES, (per_class,), ('val',), seed, image_size,
                                'colours')


def write_ade(out, seed, counts, image_size):
    """ADE20K layout; label 0 is ADE's 'other' (ignored with reduce_zero_label), 1 background, 2+i shape i."""
    from PIL import Image
    result = {}
    for split, ade_split, n in zip(('seg_train', 'seg_val'), ('training', 'validation'), counts):
        bar = progress_bar(n, f'segmentation {ade_split}: ')
        for index in range(n):
            rng = _rng(seed, split, index)
            scene = render_scene(rng, image_size, _num_objects(rng))
            label = np.ones((image_size, image_size), np.uint8)
            for obj in scene.objects:
                label[polygon_mask(obj.polygon, image_size) > 0] = 2 + SHAPES.index(obj.shape)
            name = f'demo_{ade_split}_{index:06d}'
            _write_atomic(out / 'ade' / 'images' / ade_split / f'{name}.jpg', _jpeg(scene.image))
            png = io.BytesIO()
            Image.fromarray(label).save(png, format='PNG')
            _write_atomic(out / 'ade' / 'annotations' / ade_split / f'{name}.png', png.getvalue())
            bar.update()
        print()
        result[ade_split] = n
    return result


def write_coco(out, seed, counts, image_size):
    """COCO instances: one category per shape, polygon masks; area and box as COCO computes them from the polygon."""
    from pycocotools import mask as mask_utils
    categories = [dict(id=i + 1, name=shape, supercategory='shape') for i, shape in enumerate(SHAPES)]
    result = {}
    for split, coco_split, n in zip(('coco_train', 'coco_val'), ('train2017', 'val2017'), counts):
        images, annotations = [], []
        bar = progress_bar(n, f'COCO {coco_split}: ')
        for index in range(n):
            rng = _rng(seed, split, index)
            scene = render_scene(rng, image_size, _num_objects(rng))
            file_name = f'{index + 1:012d}.jpg'
            _write_atomic(out / 'coco' / coco_split / file_name, _jpeg(scene.image))
            images.append(dict(id=index + 1, file_name=file_name, width=image_size, height=image_size))
            for obj in scene.objects:
                polygon = [round(v, 2) for point in obj.polygon for v in point]
                rle = mask_utils.merge(mask_utils.frPyObjects([polygon], image_size, image_size))
                annotations.append(dict(
                    id=len(annotations) + 1, image_id=index + 1, category_id=SHAPES.index(obj.shape) + 1,
                    bbox=[round(float(v), 2) for v in mask_utils.toBbox(rle)], area=int(mask_utils.area(rle)),
                    segmentation=[polygon], iscrowd=0))
            bar.update()
        print()
        document = dict(info=dict(description='Harmony demo world', version=str(FORMAT_VERSION)),
                        images=images, annotations=annotations, categories=categories, licenses=[])
        _write_atomic(out / 'coco' / 'annotations' / f'instances_{coco_split}.json', json.dumps(document).encode())
        result[coco_split] = dict(images=n, instances=len(annotations))
    return result


def write_retrieval(out, seed, count, image_size):
    """Images with CAPTIONS_PER_IMAGE faithful captions each, in Karpathy's JSON (split 'test'), as Flickr30k and
    COCO's caption sets come (read by harmony.KarpathyCaptions)."""
    root = out / 'retrieval'
    images, sentence_id = [], 0
    bar = progress_bar(count, 'retrieval images: ')
    for index in range(count):
        rng = _rng(seed, 'retrieval', index)
        scene = render_scene(rng, image_size, _num_objects(rng))
        filename = f'{index:06d}.jpg'
        _write_atomic(root / 'images' / filename, _jpeg(scene.image))
        sentences = [dict(raw=describe_scene(scene, rng), imgid=index, sentid=sentence_id + k)
                     for k in range(CAPTIONS_PER_IMAGE)]
        images.append(dict(filename=filename, imgid=index, split='test', sentids=[s['sentid'] for s in sentences],
                           sentences=sentences))
        sentence_id += CAPTIONS_PER_IMAGE
        bar.update()
    print()
    _write_atomic(root / 'captions.json', json.dumps(dict(images=images)).encode())
    return dict(images=count, captions=sentence_id)


def requested_manifest(seed, size, image_size, noise_rate):
    return dict(format_version=FORMAT_VERSION, seed=seed, size=size, image_size=image_size, noise_rate=noise_rate)


def is_complete(out_dir, seed=0, size='default', image_size=96, noise_rate=0.1):
    """True when `out_dir` holds a finished generation with exactly these parameters."""
    manifest = Path(out_dir) / 'manifest.json'
    if not manifest.is_file():
        return False
    written = json.loads(manifest.read_text())
    return all(written.get(k) == v for k, v in requested_manifest(seed, size, image_size, noise_rate).items())


def generate_demo_data(out_dir, seed=0, size='default', image_size=96, noise_rate=0.1):
    """Generate every split of the demo world into `out_dir`; returns the manifest dict."""
    if size not in SIZES:
        raise ValueError(f'unknown demo size {size!r}; choose one of {sorted(SIZES)}')
    if image_size < 32:
        raise ValueError(f'image_size must be at least 32 pixels, got {image_size}')
    out = Path(out_dir)
    (out / 'manifest.json').unlink(missing_ok=True)
    for split in SPLIT_DIRS:  # a previous generation's files (another world, other sizes) must not linger
        shutil.rmtree(out / split, ignore_errors=True)
    plan = SIZES[size]
    manifest = requested_manifest(seed, size, image_size, noise_rate)
    manifest['pretrain'] = write_pretrain(out, seed, plan['pretrain'], image_size, plan['samples_per_shard'],
                                          noise_rate)
    manifest['classification'] = write_classification(out, seed, plan['cls_per_class'], image_size)
    manifest['ade'] = write_ade(out, seed, plan['seg'], image_size)
    manifest['coco'] = write_coco(out, seed, plan['coco'], image_size)
    manifest['retrieval'] = write_retrieval(out, seed, plan['retrieval'], image_size)
    manifest['colours'] = write_colours(out, seed, plan['colour_per_class'], image_size)
    manifest.update(classes=list(CLASS_NAMES), colours=list(COLOUR_NAMES), seg_classes=list(SEG_CLASSES), coco_classes=list(SHAPES))
    _write_atomic(out / 'manifest.json', json.dumps(manifest, indent=2).encode())
    return manifest
