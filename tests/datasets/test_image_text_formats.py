"""The three pre-training formats: pairing by key, every kind of bad sample, sharding over ranks and workers."""
from types import SimpleNamespace

import pytest
from mmengine.registry import DefaultScope
from torch.utils.data import DataLoader

from harmony.datasets import (BadSample, BadSampleLog, ImageTextCsv, ImageTextShards, Img2DatasetFolder,
                              ResumableSampler, TooManyBadSamples)
from harmony.engine import DataPositionHook
from harmony.datasets import bad_samples
from harmony.datasets.image_text import web_shards
from tests.datasets.web_data import demo_pairs, with_bad_samples, write_files_layout, write_shards, write_table

KEEP_ALL = dict(max_bad_fraction=1.0)


@pytest.fixture(scope='module')
def pairs(demo_data):
    return demo_pairs(demo_data)


def _decoded(dataset):
    return {key: result for key, result in dataset.decoded()}


def _build(cls, *args, **kwargs):
    with DefaultScope.overwrite_default_scope('harmony'):
        return cls(*args, **kwargs)


def _assert_right_pairs(decoded, pairs):
    for key, result in decoded.items():
        if not isinstance(result, BadSample):
            name = key.rsplit('/', 1)[-1].rsplit(':', 1)[-1].split('.')[0]
            assert result['caption'] == pairs[name][1].strip(), key


def test_files_layout_pairs_by_key_when_files_are_missing_in_the_middle(tmp_path, pairs):
    root = write_files_layout(tmp_path, pairs)
    keys = list(pairs)
    next(root.glob(f'*/{keys[5]}.jpg')).unlink()  # a caption without an image: left out
    next(root.glob(f'*/{keys[17]}.txt')).unlink()  # image without a caption: left out, never shifted
    dataset = _build(Img2DatasetFolder, str(root))
    decoded = _decoded(dataset)
    assert len(decoded) == len(pairs) - 2
    assert [dataset.get_data_info(i)['key'] for i in range(len(dataset))] == sorted(decoded)
    assert not any(keys[5] in k or keys[17] in k for k in decoded)
    _assert_right_pairs(decoded, pairs)


def test_a_wrong_root_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing does not exist'):
        _build(Img2DatasetFolder, str(tmp_path / 'missing'))
    with pytest.raises(FileNotFoundError, match='no image-caption pair'):
        _build(Img2DatasetFolder, str(tmp_path))


def test_files_layout_reads_an_index_instead_of_walking(tmp_path, pairs):
    from tests.conftest import run_tool
    root = write_files_layout(tmp_path, pairs)
    with pytest.raises(FileNotFoundError, match='build_index.py'):
        _build(Img2DatasetFolder, str(root), index_file='index.txt')
    result = run_tool('tools/data/build_index.py', root, '--tsv', 'pairs.tsv')
    assert f'{len(pairs)} pairs' in result.stdout
    table = _decoded(_build(ImageTextCsv, str(root), 'pairs.tsv'))
    assert len(table) == len(pairs)
    _assert_right_pairs(table, pairs)
    for extra in root.glob('00001/*.txt'):  # after indexing: a caption lost is a counted bad sample
        extra.unlink()
        break
    dataset = _build(Img2DatasetFolder, str(root), index_file='index.txt', **KEEP_ALL)
    decoded = _decoded(dataset)
    assert len(decoded) == len(pairs)
    assert [r.reason for r in decoded.values() if isinstance(r, BadSample)] == ['missing caption']


@pytest.mark.parametrize('layout', ['files', 'csv', 'shards'])
def test_every_kind_of_bad_sample_is_named_and_skipped(tmp_path, pairs, layout):
    bad_pairs, expected = with_bad_samples(pairs)
    if layout == 'files':
        dataset = _build(Img2DatasetFolder, str(write_files_layout(tmp_path, bad_pairs)), **KEEP_ALL)
    elif layout == 'csv':
        table = write_table(tmp_path, bad_pairs)
        dataset = _build(ImageTextCsv, str(tmp_path), table.name, **KEEP_ALL)
    else:
        write_shards(tmp_path, bad_pairs)
        dataset = _build(ImageTextShards, str(tmp_path), '{00000..00003}.tar', num_samples=len(pairs), **KEEP_ALL)
    decoded = _decoded(dataset)
    reasons = {key: r.reason for key, r in decoded.items() if isinstance(r, BadSample)}
    for key, reason in expected.items():
        assert [r for k, r in reasons.items() if key in k] == [reason], key
    _assert_right_pairs(decoded, pairs)


def test_map_style_training_skips_bad_samples_and_counts_them(tmp_path, pairs):
    bad_pairs, expected = with_bad_samples(pairs)
    dataset = _build(Img2DatasetFolder, str(write_files_layout(tmp_path, bad_pairs)), **KEEP_ALL)
    items = [dataset[i] for i in range(len(dataset))]
    assert all(item['caption'] == pairs[item['key'].split('/')[1]][1].strip() for item in items)
    assert sum(dataset.bad_samples.bad.values()) >= len(expected)


def test_too_many_bad_samples_stop_with_a_clear_error(tmp_path, pairs):
    bad_pairs, _ = with_bad_samples(dict(list(pairs.items())[:24]))
    dataset = _build(Img2DatasetFolder, str(write_files_layout(tmp_path, bad_pairs)), max_bad_fraction=0.1,
                     min_samples=12)
    with pytest.raises(TooManyBadSamples, match='above max_bad_fraction=0.1.*check_dataset.py'):
        for index in range(len(dataset)):
            dataset.prepare_data(index)


def test_bad_samples_are_reported_at_a_limited_rate(monkeypatch):
    messages = []
    monkeypatch.setattr(bad_samples, 'print_log', lambda message, **kwargs: messages.append(message))
    log = BadSampleLog('Set', max_bad_fraction=1.0, report_interval=3600)
    log.record_bad(BadSample('empty caption'), 'a')
    log.record_bad(BadSample('truncated image', 'image file is truncated'), 'b')
    assert not messages
    log.report()
    assert messages[0].startswith('Set: skipped 2 bad samples (empty caption: 1, truncated image: 1); 2 of 2')
    assert 'last: b (truncated image: image file is truncated)' in messages[0]
    log.report()
    assert len(messages) == 1  # nothing new, nothing logged


def test_csv_columns_and_caption_choice(tmp_path, pairs):
    table = write_table(tmp_path, pairs, name='yfcc.csv', separator=',', columns=('path', 'title'))
    with pytest.raises(KeyError, match="no column \\['filepath'\\]"):
        _build(ImageTextCsv, str(tmp_path), 'yfcc.csv')
    dataset = _build(ImageTextCsv, str(tmp_path), 'yfcc.csv', image_key='path')
    assert all(r['caption'] == pairs[r['img_path'].split('/')[-1][:-4]][1].strip() for r in _decoded(dataset).values())
    lines = table.read_text().splitlines()
    table.write_text('\n'.join([lines[0] + ',description'] + [f'{lines[1]},the description',
                                                             f'images/{list(pairs)[1]}.jpg,,only this']) + '\n')
    dataset = _build(ImageTextCsv, str(tmp_path), 'yfcc.csv', image_key='path', caption_keys=('title', 'description'))
    captions = [dataset.load_pair(dataset.get_data_info(1))['caption'] for _ in range(5)]
    assert captions == ['only this'] * 5
    assert {dataset.load_pair(dataset.get_data_info(0))['caption'] for _ in range(40)} == {
        pairs[list(pairs)[0]][1].strip(), 'the description'}


def _key(sample):
    return sample['key']


def _keys_seen(dataset, monkeypatch, rank, world_size, workers, epochs=1):
    monkeypatch.setattr(web_shards, 'get_dist_info', lambda: (rank, world_size))
    loader = DataLoader(dataset, batch_size=None, num_workers=workers, collate_fn=_key,
                        persistent_workers=epochs > 1)
    return [list(loader) for _ in range(epochs)] if epochs > 1 else list(loader)


def test_two_ranks_with_two_workers_read_disjoint_samples_covering_the_set(tmp_path, pairs, monkeypatch):
    write_shards(tmp_path, pairs, per_shard=6)  # 8 shards for 2 ranks x 2 workers
    dataset = _build(ImageTextShards, str(tmp_path), '{00000..00007}.tar', num_samples=len(pairs), shuffle_buffer=4)
    seen = [_keys_seen(dataset, monkeypatch, rank, 2, 2) for rank in range(2)]
    assert len(seen[0]) == len(seen[1]) == len(pairs) // 2
    assert not set(seen[0]) & set(seen[1])
    assert {k.rsplit(':', 1)[1] for k in seen[0] + seen[1]} == set(pairs)


def test_shard_order_is_seeded_by_epoch(tmp_path, pairs, monkeypatch):
    write_shards(tmp_path, pairs, per_shard=6)
    dataset = _build(ImageTextShards, str(tmp_path), '{00000..00007}.tar', num_samples=len(pairs))
    first = _keys_seen(dataset, monkeypatch, 0, 1, 0)
    assert _keys_seen(dataset, monkeypatch, 0, 1, 0) == first  # a fresh copy per epoch, as DataLoader workers get
    dataset.set_epoch(1)
    second = _keys_seen(dataset, monkeypatch, 0, 1, 0)
    assert second != first and sorted(second) == sorted(first)
    dataset.set_epoch(0)
    assert _keys_seen(dataset, monkeypatch, 0, 1, 1, epochs=2) == [first, second]  # persistent worker


def test_a_corrupt_shard_is_counted_and_the_others_are_read(tmp_path, pairs):
    paths = write_shards(tmp_path, pairs)
    data = paths[1].read_bytes()
    paths[1].write_bytes(data[:len(data) // 3 + 100])  # cut inside a member, as an interrupted copy leaves it
    dataset = _build(ImageTextShards, str(tmp_path), '{00000..00003}.tar', num_samples=len(pairs), **KEEP_ALL)
    decoded = list(dataset.decoded())
    assert any(isinstance(r, BadSample) and r.reason == 'corrupt shard' for _, r in decoded)
    good = [k for k, r in decoded if not isinstance(r, BadSample)]
    assert len(pairs) - 12 <= len(good) < len(pairs)


def test_missing_shards_and_too_few_shards_fail_clearly(tmp_path, pairs, monkeypatch):
    write_shards(tmp_path, pairs)
    with pytest.raises(FileNotFoundError, match='1 of 5 shards do not exist'):
        _build(ImageTextShards, str(tmp_path), '{00000..00004}.tar', num_samples=10)
    dataset = _build(ImageTextShards, str(tmp_path), '{00000..00003}.tar', num_samples=len(pairs))
    with pytest.raises(ValueError, match='4 shards cannot feed 2 ranks x 4 data workers'):
        dataset.worker_shards(0, 1, 2, 3, 4)


def test_resumed_mid_epoch_the_sampler_continues_where_the_run_stopped():
    dataset = list(range(40))
    sampler = ResumableSampler(dataset, shuffle=True, seed=3)
    sampler.set_epoch(2)
    full = list(sampler)
    runner = SimpleNamespace(iter=2 * 10 + 3, epoch=2, logger=SimpleNamespace(info=print, warning=print),
                             train_dataloader=_Loader(sampler, 4, 10))
    DataPositionHook().before_train(runner)
    assert list(sampler) == full[12:]
    assert list(sampler) == full  # only the resumed epoch is shortened


class _Loader(SimpleNamespace):
    def __init__(self, sampler, batch_size, length):
        super().__init__(sampler=sampler, batch_size=batch_size, length=length)

    def __len__(self):
        return self.length
