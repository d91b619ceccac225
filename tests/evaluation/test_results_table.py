"""tools/analysis/collect_results.py: rows = runs, columns = the paper's metrics, typed by the evaluated model."""
import json
import os

from tests.conftest import run_tool


def _test_run(work_dir, stamp, model_type, metrics, mtime):
    run = work_dir / stamp
    (run / 'vis_data').mkdir(parents=True)
    (run / 'vis_data' / 'config.py').write_text(f"model = dict(type='{model_type}')\n")
    (run / f'{stamp}.json').write_text(json.dumps(metrics))
    os.utime(run / f'{stamp}.json', (mtime, mtime))


def test_table_of_two_runs(tmp_path):
    harmony, clip = tmp_path / 'harmony', tmp_path / 'clip_only'
    _test_run(harmony / 'zeroshot', '20261129_010000', 'Harmony', {'accuracy/top1': 30.0, 'accuracy/top5': 70.0}, 1)
    _test_run(harmony / 'zeroshot', '20261129_020000', 'Harmony', {'accuracy/top1': 31.25, 'accuracy/top5': 71.0}, 2)
    _test_run(harmony / 'cls', '20261129_030000', 'mmpretrain.ImageClassifier', {'accuracy/top1': 55.0}, 3)
    _test_run(harmony / 'mask_rcnn', '20261129_040000', 'MaskRCNN', {'coco/bbox_mAP': 0.123, 'coco/segm_mAP': 0.1}, 4)
    (harmony / 'probe').mkdir()
    (harmony / 'probe' / 'probe.json').write_text(json.dumps({'knn/top1': 40.0, 'linear/top1': 45.5}))
    _test_run(clip / 'upernet', '20261129_050000', 'EncoderDecoder', {'mIoU': 20.0}, 5)
    out = tmp_path / 'RESULTS.md'
    result = run_tool('tools/analysis/collect_results.py', harmony, clip, '--out', out)
    lines = out.read_text().splitlines()
    assert lines[0] == ('| run | zero-shot top-1 | zero-shot top-5 | linear top-1 | kNN top-1 | fine-tune top-1 | '
                        'ADE20K mIoU | COCO box AP | COCO mask AP |')
    assert lines[2] == '| harmony | 31.2 | 71.0 | 45.5 | 40.0 | 55.0 | – | 12.3 | 10.0 |'
    assert lines[3] == '| clip_only | – | – | – | – | – | 20.0 | – | – |'
    assert result.stdout.strip() == out.read_text().strip()


def test_seeds_give_mean_and_half_range_and_baseline_gives_differences(tmp_path):
    harmony, random_init = tmp_path / 'harmony', tmp_path / 'random_init'
    for seed, (knn, linear) in enumerate([(40.0, 50.0), (44.0, 51.0)]):
        (harmony / f'seed{seed}' / 'probe').mkdir(parents=True)
        (harmony / f'seed{seed}' / 'probe' / 'probe.json').write_text(
            json.dumps({'knn/top1': knn, 'linear/top1': linear}))
    _test_run(harmony / 'seed0' / 'upernet', '20261129_050000', 'EncoderDecoder', {'mIoU': 20.0}, 5)  # seed 0 only
    (random_init / 'probe').mkdir(parents=True)
    (random_init / 'probe' / 'probe.json').write_text(json.dumps({'knn/top1': 30.0, 'linear/top1': 35.5}))
    segmentation_only = tmp_path / 'seg_fpn'
    _test_run(segmentation_only, '20261129_060000', 'EncoderDecoder', {'mIoU': 25.0}, 6)
    result = run_tool('tools/analysis/collect_results.py', harmony, segmentation_only, '--baseline', random_init)
    assert result.stdout.strip().splitlines() == [
        '| run | linear top-1 | kNN top-1 | ADE20K mIoU |',
        '|---|---|---|---|',
        '| harmony | 50.5 ± 0.5 | 42.0 ± 2.0 | – |',
        '| seg_fpn | – | – | 25.0 |',
        '| random_init | 35.5 | 30.0 | – |',
        '| Δ harmony | +15.0 | +12.0 | – |',
    ]
