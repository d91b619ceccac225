"""Without CUDA, GPU configs run as they are: AMP becomes fp32, SyncBN becomes BN in distributed runs."""
import importlib

import pytest
import torch
from mmengine.config import Config

from harmony.engine.cpu_runtime import adapt_config_for_cpu
from tests.configs.shrink import shrink_downstream_model
from tests.conftest import REPO, run_tool


def test_amp_becomes_fp32_without_its_keys():
    cfg = Config(dict(optim_wrapper=dict(type='AmpOptimWrapper', dtype='bfloat16', loss_scale='dynamic',
                                         optimizer=dict(type='AdamW', lr=1e-3))))
    changes = adapt_config_for_cpu(cfg, distributed=False)
    assert cfg.optim_wrapper == dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3))
    assert changes == ['optim_wrapper.type: AmpOptimWrapper -> OptimWrapper (fp32)',
                       'optim_wrapper.dtype dropped (AMP only)', 'optim_wrapper.loss_scale dropped (AMP only)']


def test_left_over_amp_keys_of_a_plain_wrapper_are_dropped_and_other_wrappers_kept():
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper', dtype='bfloat16')))
    assert adapt_config_for_cpu(cfg, distributed=False) == ['optim_wrapper.dtype dropped (AMP only)']
    custom = Config(dict(optim_wrapper=dict(type='CPUAmpOptimWrapper', dtype='float16')))
    assert adapt_config_for_cpu(custom, distributed=False) == [] and custom.optim_wrapper.dtype == 'float16'


def test_distributed_runs_use_gloo_and_no_device_ids():
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper'), env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    changes = adapt_config_for_cpu(cfg, distributed=True)
    assert cfg.env_cfg.dist_cfg.backend == 'gloo' and cfg.model_wrapper_cfg.device_ids is None
    assert changes == ['env_cfg.dist_cfg.backend: nccl -> gloo', 'model_wrapper_cfg.device_ids: [LOCAL_RANK] -> None']


def _tiny_upernet(cfg, root):
    shrink_downstream_model(cfg)
    cfg.model.test_cfg.update(crop_size=(64, 64), stride=(48, 48))
    cfg.test_dataloader.dataset.update(data_root=str(root / 'ade'), indices=4)
    cfg.test_dataloader.dataset.pipeline[1].scale = (64, 64)


def _tiny_cascade(cfg, root):
    shrink_downstream_model(cfg)
    for head in [*cfg.model.roi_head.bbox_head, cfg.model.roi_head.mask_head]:
        head.num_classes = 6  # the demo shapes
    cfg.model.test_cfg.rcnn.score_thr = 0.0  # a random detector's scores are ~1/7: keep its boxes
    cfg.test_dataloader.dataset.update(type='harmony.DemoCocoDataset', data_root=f'{root / "coco"}/', indices=4)
    cfg.test_dataloader.dataset.pipeline[1].scale = (64, 64)
    cfg.test_evaluator.ann_file = str(root / 'coco' / 'annotations' / 'instances_val2017.json')


# the paper-protocol configs (SyncBN in necks and heads, AMP), shrunk, on the demo sets
TINY_CONFIGS = {
    'upernet': ('configs/benchmarks/mmseg/upernet_harmony-vits16_4xb4-160k_ade20k-512x512_paper.py', _tiny_upernet),
    'cascade': ('configs/benchmarks/mmdet/cascade-mask-rcnn_harmony-vits16-fpn-4conv1fc-giou_8xb4-ms-1x_coco_paper.py',
                _tiny_cascade),
}


@pytest.fixture(scope='module')
def tiny_configs(demo_data, tmp_path_factory):
    """{name: (config, checkpoint)}: each of TINY_CONFIGS shrunk, written whole, randomly initialised."""
    from mmengine.registry import init_default_scope

    from harmony.engine.runner_setup import load_config
    made = {}
    for name, (config, shrink) in TINY_CONFIGS.items():
        folder = tmp_path_factory.mktemp(name)
        cfg = load_config(str(REPO / config))
        shrink(cfg, demo_data)
        cfg.test_dataloader.update(num_workers=0, persistent_workers=False)
        cfg.dump(folder / f'tiny_{name}.py')
        init_default_scope(cfg.default_scope)
        model = importlib.import_module(f'{cfg.default_scope}.registry').MODELS.build(cfg.model)
        torch.save({'state_dict': model.state_dict()}, folder / 'random.pth')
        made[name] = folder / f'tiny_{name}.py', folder / 'random.pth'
    return made


@pytest.mark.parametrize('name', sorted(TINY_CONFIGS))
@pytest.mark.parametrize('processes', [1, 2])
def test_dist_test_runs_the_paper_syncbn_amp_configs_on_cpu(tiny_configs, tmp_path, name, processes):
    config, checkpoint = tiny_configs[name]
    result = run_tool('tools/dist_test.sh', config, checkpoint, processes, '--work-dir', tmp_path,
                      env={'PORT': str(29630 + 2 * processes + (name == 'cascade'))})  # 29632-29635: unused elsewhere
    assert 'No CUDA: running the distributed job on CPU with optim_wrapper.type: AmpOptimWrapper' in result.stdout
    assert result.stdout.count('SyncBatchNorm layers -> BatchNorm') == 1
    assert 'metrics: ' in result.stdout and ('"mIoU"' in result.stdout or '"coco/bbox_mAP"' in result.stdout)


TINY_PRETRAINING = """_base_ = '{base}'
model = dict(
    backbone=dict(arch=dict(_delete_=True, embed_dims=32, num_layers=2, num_heads=2), img_size=32, patch_size=8),
    text_encoder=dict(width=32, heads=2, layers=1, embed_dim=16),
    objectives=dict(ibot=dict(head=dict(out_dim=64, hidden_dims=32, bottleneck_dims=16)),
                    mae=dict(decoder=dict(dims=32, depth=1, num_heads=2)), mlm=dict(decoder=dict(depth=1, num_heads=2)),
                    text_dist=dict(head=dict(out_dim=32, hidden_dims=32, bottleneck_dims=16))))
pipeline = [dict(type='MultiCrop', global_size=32, local_size=16, num_local=2),
            dict(type='BlockwiseMasks', patch_size=8, ratio_range=(0.1, 0.5), mask_probability=0.5, min_block=4),
            dict(type='PatchShuffle', patch_size=8), dict(type='TokenizeCaption', context_length=77, mlm_ratio=0.2),
            dict(type='PackPretrainingInputs')]
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False, dataset=dict(
    data_root='{shards}', shards='00000.tar', num_samples=4, pipeline=pipeline))
train_cfg = dict(max_epochs=1)
"""


def test_the_amp_pretraining_config_trains_on_cpu_in_fp32(demo_data, tmp_path):
    """configs/harmony/vits16_cc3m.py (AmpOptimWrapper, bf16), shrunk, one epoch of two steps on CPU."""
    config = tmp_path / 'tiny_vits16_cc3m.py'
    config.write_text(TINY_PRETRAINING.format(base=REPO / 'configs/harmony/vits16_cc3m.py',
                                              shards=demo_data / 'pretrain' / 'shards'))
    result = run_tool('tools/train.py', config, '--work-dir', tmp_path / 'run')
    assert ('No CUDA: running the job on CPU with optim_wrapper.type: AmpOptimWrapper -> OptimWrapper (fp32); '
            'optim_wrapper.dtype dropped (AMP only)') in result.stdout
    assert (tmp_path / 'run' / 'epoch_1.pth').is_file()
