"""Small image-text sets in the three web formats, made from the demo pairs, with bad samples on request."""
import io
import tarfile
from pathlib import Path


def demo_pairs(demo_data):
    """{key: (jpeg bytes, caption)} of the tiny demo's pre-training pairs, in key order."""
    root = Path(demo_data) / 'pretrain' / 'files'
    return {image.stem: (image.read_bytes(), image.with_suffix('.txt').read_text(encoding='utf-8'))
            for image in sorted(root.glob('*/*.jpg'))}


def write_files_layout(root, pairs, per_shard=12):
    """img2dataset "files" layout: <shard>/<key>.jpg + .txt."""
    root = Path(root)
    for index, (key, (image, caption)) in enumerate(pairs.items()):
        shard = root / f'{index // per_shard:05d}'
        shard.mkdir(parents=True, exist_ok=True)
        (shard / f'{key}.jpg').write_bytes(image)
        (shard / f'{key}.txt').write_bytes(caption if isinstance(caption, bytes) else caption.encode('utf-8'))
    return root


def write_shards(root, pairs, per_shard=12):
    """WebDataset tar shards 00000.tar ... with <key>.jpg and <key>.txt members; returns the shard paths."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    items, paths = list(pairs.items()), []
    for start in range(0, len(items), per_shard):
        path = root / f'{start // per_shard:05d}.tar'
        with tarfile.open(path, 'w') as tar:
            for key, (image, caption) in items[start:start + per_shard]:
                caption = caption if isinstance(caption, bytes) else caption.encode('utf-8')
                for suffix, data in (('jpg', image), ('txt', caption)):
                    member = tarfile.TarInfo(f'{key}.{suffix}')
                    member.size = len(data)
                    tar.addfile(member, io.BytesIO(data))
        paths.append(path)
    return paths


def write_table(root, pairs, name='pairs.tsv', separator='\t', columns=('filepath', 'title')):
    """Images under root/images/ and a table of (path relative to root, caption)."""
    root = Path(root)
    (root / 'images').mkdir(parents=True, exist_ok=True)
    lines = [separator.join(columns).encode()]
    for key, (image, caption) in pairs.items():
        (root / 'images' / f'{key}.jpg').write_bytes(image)
        caption = (caption if isinstance(caption, bytes) else caption.encode('utf-8')).replace(b'\n', b' ')
        if separator == ',':
            caption = b'"' + caption.replace(b'"', b'""') + b'"'
        lines.append(separator.encode().join([f'images/{key}.jpg'.encode(), caption]))
    (root / name).write_bytes(b'\n'.join(lines) + b'\n')
    return root / name


def with_bad_samples(pairs):
    """A copy of `pairs` where six keys hold each kind of bad content; returns (pairs, {key: reason})."""
    pairs, keys = dict(pairs), list(pairs)
    bad = {keys[3]: 'truncated image', keys[7]: 'empty image file', keys[11]: 'unreadable image',
           keys[15]: 'non-UTF-8 caption', keys[19]: 'empty caption', keys[23]: 'empty caption'}
    image, caption = pairs[keys[3]]
    pairs[keys[3]] = (image[:len(image) // 2], caption)
    pairs[keys[7]] = (b'', pairs[keys[7]][1])
    pairs[keys[11]] = (b'this is not an image' * 10, pairs[keys[11]][1])
    pairs[keys[15]] = (pairs[keys[15]][0], b'caf\xe9 \xff\xfe')
    pairs[keys[19]] = (pairs[keys[19]][0], '')
    pairs[keys[23]] = (pairs[keys[23]][0], '  \n ')
    return pairs, bad
