"""Retrieval recall against a hand computation, and tools/test.py on the demo caption set."""
import json

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from harmony.datasets import KarpathyCaptions
from harmony.evaluation import retrieval_recall
from harmony.registry import MODELS
from tests.conftest import REPO, run_tool
from tests.models.algorithms.test_harmony import TINY_OPTIONS



def test_recall_matches_a_hand_computation():
    images = torch.eye(3)  # image i points along axis i
    texts = [torch.tensor([[0.9, 0.1, 0.0], [0.0, 1.0, 0.0]]),  # image 0: its best caption ranks first
             torch.tensor([[0.0, 0.2, 0.1], [0.0, 0.0, 1.0]]),   # image 1: 0.2 beaten by 1.0 (img 0's) -> rank 1
             torch.tensor([[0.0, 0.0, 0.5]])]                    # image 2: 0.5 beaten by 1.0 (img 1's) -> rank 1
    metrics = retrieval_recall(images, texts, ks=(1, 2))
    # image -> text: image 0 hit at 1; images 1 and 2 at rank 2
    assert metrics['i2t_R@1'] == pytest.approx(100 / 3) and metrics['i2t_R@2'] == pytest.approx(100)
    # text -> image: scores of each caption's own image vs the others
    # t0 (img 0): 0.9 best -> rank 0; t1 (img 0): own 0.0 vs img 1's 1.0 -> rank 1; t2 (img 1): own 0.2 best
    # t3 (img 1): own 0.0 vs img 2's 1.0 -> rank 1; t4 (img 2): own 0.5 best -> rank 0
    assert metrics['t2i_R@1'] == pytest.approx(60) and metrics['t2i_R@2'] == pytest.approx(100)
    assert metrics['mean_R'] == pytest.approx((100 / 3 + 100 + 60 + 100) / 4)


def test_retrieval_tool_on_the_demo_captions(demo_data, tmp_path):
    cfg = Config.fromfile(REPO / 'configs/demo/retrieval_harmony-vit-demo_demo.py')
    cfg.merge_from_dict({o.split('=')[0]: int(o.split('=')[1]) for o in TINY_OPTIONS})
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('harmony'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict(), meta={}), tmp_path / 'random.pth')
    result = run_tool('tools/test.py', 'configs/demo/retrieval_harmony-vit-demo_demo.py', tmp_path / 'random.pth',
                      '--work-dir', tmp_path, '--cfg-options', *TINY_OPTIONS,
                      f'test_dataloader.dataset.data_root={demo_data / "retrieval"}', 'test_dataloader.num_workers=0')
    metrics = json.loads(result.stdout.split('metrics: ')[-1].splitlines()[0])
    assert {'retrieval/i2t_R@1', 'retrieval/t2i_R@10', 'retrieval/mean_R'} <= set(metrics)
    assert 0 <= metrics['retrieval/t2i_R@1'] <= metrics['retrieval/t2i_R@5'] <= metrics['retrieval/t2i_R@10'] <= 100


def test_karpathy_captions_join_filepaths_and_name_the_splits(tmp_path):
    images = [dict(filename='a.jpg', filepath='val2014', split='test', sentences=[dict(raw='one '), dict(raw='two')]),
              dict(filename='b.jpg', filepath='train2014', split='train', sentences=[dict(raw='three')])]
    (tmp_path / 'dataset_coco.json').write_text(json.dumps(dict(images=images)))
    with DefaultScope.overwrite_default_scope('harmony'):
        dataset = KarpathyCaptions(str(tmp_path), 'dataset_coco.json')
        assert len(dataset) == 1
        item = dataset.get_data_info(0)
        assert item['img_path'] == str(tmp_path / 'val2014' / 'a.jpg') and item['text'] == ['one', 'two']
        with pytest.raises(ValueError, match=r"no image in split 'val' \(its splits: \['test', 'train'\]\)"):
            KarpathyCaptions(str(tmp_path), 'dataset_coco.json', split='val')
