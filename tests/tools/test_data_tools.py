"""tools/data/check_dataset.py and tools/analysis/benchmark_data.py on small sets."""
import json

from tests.conftest import run_tool
from tests.datasets.web_data import demo_pairs, with_bad_samples, write_files_layout, write_shards

CONFIG = 'configs/demo/harmony_vit-demo_demo-pretrain.py'


def test_check_dataset_reports_counts_reasons_lengths_and_sizes(demo_data, tmp_path):
    pairs, bad = with_bad_samples(demo_pairs(demo_data))
    root = write_files_layout(tmp_path / 'files', pairs)
    options = ['--cfg-options', f'train_dataloader.dataset.data_root={root}']
    out = tmp_path / 'report.json'
    failed = run_tool('tools/data/check_dataset.py', CONFIG, '--out', out, *options, check=False)
    assert failed.returncode == 1 and 'training would stop' in failed.stdout  # 6 of 48 > 5 %
    report = json.loads(out.read_text())
    assert report['samples'] == len(pairs) and report['bad'] == len(bad)
    assert report['bad_by_reason'] == {'truncated image': 1, 'empty image file': 1, 'unreadable image': 1,
                                       'non-UTF-8 caption': 1, 'empty caption': 2}
    assert sum(report['caption_tokens']['histogram'].values()) == report['good']
    assert report['image_width']['min'] == report['image_width']['max'] == 64
    run_tool('tools/data/check_dataset.py', CONFIG, *options, 'train_dataloader.dataset.max_bad_fraction=0.2')


def test_check_dataset_reads_the_cc3m_shards_config(demo_data, tmp_path):
    pairs = demo_pairs(demo_data)
    write_shards(tmp_path, pairs)
    result = run_tool('tools/data/check_dataset.py', 'configs/_base_/datasets/cc3m.py', '--cfg-options',
                      f'train_dataloader.dataset.data_root={tmp_path}',
                      'train_dataloader.dataset.shards={00000..00003}.tar',
                      f'train_dataloader.dataset.num_samples={len(pairs)}')
    assert f'"good": {len(pairs)}' in result.stdout


def test_benchmark_data_compares_both_photometric_places_on_written_jpeg_shards(tmp_path):
    shards = tmp_path / 'shards'
    args = [CONFIG, '--shards', shards, '--write-shards', '12', '--samples', '4', '--workers', '0', '--batches', '1',
            '--cfg-options', 'train_dataloader.batch_size=4']
    result = run_tool('tools/analysis/benchmark_data.py', *args)
    assert 'wrote 12 pairs' in result.stdout and (shards / '00000.tar').is_file()
    assert '| MultiCrop |' in result.stdout and '| **one worker** |' in result.stdout
    assert 'ms per sample on cpu' in result.stdout and 'Workers per GPU at 1860 samples/s' in result.stdout
    again = run_tool('tools/analysis/benchmark_data.py', *args)
    assert 'already holds shards' in again.stdout


def test_benchmark_data_needs_a_shard_folder_to_write_into():
    result = run_tool('tools/analysis/benchmark_data.py', CONFIG, '--write-shards', '4', check=False)
    assert result.returncode == 2 and '--write-shards and --source need --shards DIR' in result.stdout
