"""Every config parses and builds; each demo twin learns (a few steps on one batch lower the loss)."""
import importlib
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import harmony  # noqa: F401
from harmony.registry import METRICS, MODELS
from tests.configs.shrink import shrink_downstream_model
from tests.conftest import REPO

DOWNSTREAM = sorted(str(p.relative_to(REPO)) for lib in ('mmseg', 'mmdet', 'mmpretrain')
                    for p in (REPO / 'configs' / 'benchmarks' / lib).rglob('*.py'))
EVALUATION = sorted(str(p.relative_to(REPO)) for kind in ('zeroshot', 'retrieval', 'probe')
                    for p in (REPO / 'configs' / 'benchmarks' / kind).rglob('*.py'))
DEMO_TWINS = {
    'configs/demo/vit-demo_finetune_demo-cls-64x64.py': 'classification',
    'configs/demo/upernet_harmony-vit-demo_demo-ade-64x64.py': 'ade',
    'configs/demo/mask-rcnn_harmony-vit-demo-fpn_demo-coco.py': 'coco',
}


@pytest.mark.parametrize('config', EVALUATION)
def test_evaluation_configs_build_their_model_and_evaluator(config):
    cfg = Config.fromfile(REPO / config)
    with DefaultScope.overwrite_default_scope('harmony'):
        if 'probe' in config:
            assert type(MODELS.build(cfg.backbone)).__name__ == 'HarmonyViT'
            return
        assert type(MODELS.build(cfg.model)).__name__ == 'Harmony'
        assert METRICS.build(cfg.test_evaluator) is not None


@pytest.mark.parametrize('config', DOWNSTREAM)
def test_benchmark_configs_build_with_harmony_modules(config):
    cfg = Config.fromfile(REPO / config)
    assert cfg.model.backbone.type == 'harmony.HarmonyViT'
    assert cfg.model.backbone.init_cfg == dict(type='Pretrained', checkpoint=None)
    assert 'harmony' in cfg.custom_imports.imports
    cfg.model.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        model = importlib.import_module(f'{cfg.default_scope}.registry').MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'HarmonyViT'


def _set_data_root(cfg, root):
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.update(num_workers=0, persistent_workers=False, batch_size=2)
        loader.dataset.data_root = str(root)
        if 'classes' in loader.dataset:
            loader.dataset.classes = str(Path(root) / 'classnames.txt')
    for name in ('val_evaluator', 'test_evaluator'):
        if 'ann_file' in cfg[name]:
            cfg[name].ann_file = str(Path(root) / 'annotations' / 'instances_val2017.json')


@pytest.mark.parametrize('config', sorted(DEMO_TWINS))
def test_demo_twins_lower_the_loss(config, demo_data, tmp_path):
    cfg = Config.fromfile(REPO / config)
    cfg.model.backbone.init_cfg = None
    cfg.work_dir = str(tmp_path)
    _set_data_root(cfg, demo_data / DEMO_TWINS[config])
    if cfg.model.get('train_cfg', {}).get('augments'):
        cfg.model.train_cfg.augments = None  # mixup/cutmix make single-batch losses incomparable
    runner = Runner.from_cfg(cfg)
    torch.manual_seed(0)
    runner.model.init_weights()
    batch = next(iter(runner.build_dataloader(cfg.train_dataloader)))
    optim_wrapper = runner.build_optim_wrapper(cfg.optim_wrapper)
    runner.model.train()
    losses = [runner.model.train_step(batch, optim_wrapper)['loss'].item() for _ in range(6)]
    assert all(torch.isfinite(torch.tensor(losses)))
    assert min(losses[-2:]) < losses[0], losses


@pytest.mark.parametrize('config', [c for c in DOWNSTREAM if '/mmdet/' in c]
                         + ['configs/demo/mask-rcnn_harmony-vit-demo-fpn_demo-coco.py'])
def test_detector_pyramid_strides_match_anchors_and_roi_extractors(config):
    cfg = Config.fromfile(REPO / config)
    cfg.model.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = importlib.import_module('mmdet.registry').MODELS.build(cfg.model).eval()
    size = 256
    with torch.no_grad():
        features = model.extract_feat(torch.randn(1, 3, size, size))
    strides = [size // f.shape[-1] for f in features]
    assert strides == [s[0] if isinstance(s, (tuple, list)) else s for s in model.rpn_head.prior_generator.strides]
    extractor = model.roi_head.bbox_roi_extractor
    extractor = extractor[0] if isinstance(extractor, torch.nn.ModuleList) else extractor
    assert strides[:len(extractor.featmap_strides)] == list(extractor.featmap_strides)


@pytest.mark.parametrize('config', sorted(DEMO_TWINS))
def test_demo_twins_take_the_demo_pretraining_backbone(config):
    pretrain = Config.fromfile(REPO / 'configs/demo/harmony_vit-demo_demo-pretrain.py').model.backbone
    backbone = Config.fromfile(REPO / config).model.backbone
    for key in ('arch', 'patch_size', 'img_size'):
        assert backbone[key] == pretrain[key], key


@pytest.mark.parametrize('name', ['cc3m', 'cc12m', 'yfcc15m'])
def test_pretraining_sets_come_in_three_formats(name):
    datasets = REPO / 'configs' / '_base_' / 'datasets'
    loaders = {fmt: Config.fromfile(datasets / f'{name}{suffix}.py').train_dataloader
               for fmt, suffix in (('shards', ''), ('files', '_files'), ('csv', '_csv'))}
    assert [loaders[f].dataset.type for f in loaders] == ['ImageTextShards', 'Img2DatasetFolder', 'ImageTextCsv']
    assert loaders['shards'].sampler is None and loaders['files'].sampler.type == 'ResumableSampler'
    roots = {loader.dataset.data_root for loader in loaders.values()}
    assert roots == {f'data/{name}'}
    pipelines = [loader.dataset.pipeline for loader in loaders.values()]
    assert pipelines[0] == pipelines[1] == pipelines[2]
    captions = {loader.dataset.get('caption_keys') for loader in loaders.values()} - {None}
    assert captions == ({('title', 'description')} if name == 'yfcc15m' else {('title', )})


DEMO_ABLATIONS = sorted(str(p.relative_to(REPO)) for p in (REPO / 'configs' / 'demo' / 'ablations').glob('*.py'))


def _objective_set(cfg):
    """(trained objectives, soft CLIP targets) of a config."""
    objectives = cfg.model.objectives
    return (tuple(name for name, objective in objectives.items() if objective is not None),
            objectives.clip is not None and objectives.clip.soft_targets)


@pytest.mark.parametrize('config', DEMO_ABLATIONS)
def test_demo_ablations_mirror_the_paper_ablations(config):
    """Each demo ablation trains the objective set of a paper-scale ablation, and validates zero-shot exactly when
    it has CLIP towers (the zero-shot hook would refuse a model without them)."""
    paper = {_objective_set(Config.fromfile(p)) for p in (REPO / 'configs' / 'harmony' / 'ablations').glob('*.py')}
    cfg = Config.fromfile(REPO / config)
    assert _objective_set(cfg) in paper
    zero_shot = any(hook['type'] == 'ZeroShotHook' for hook in cfg.custom_hooks)
    assert zero_shot == (cfg.model.objectives.clip is not None) == (cfg.val_cfg is not None)
    assert [hook['type'] for hook in cfg.custom_hooks][0] == 'HarmonyScheduleHook'


def test_the_study_runs_harmony_and_every_demo_ablation():
    study = (REPO / 'tools' / 'study.sh').read_text()
    listed = {line.split(']=')[1].strip() for line in study.splitlines() if ']=configs/' in line}
    assert listed == set(DEMO_ABLATIONS) | {'configs/demo/harmony_vit-demo_demo-pretrain.py'}


def test_vitl_fsdp_config_shards_a_vit_large_with_activation_checkpointing():
    """configs/harmony/vitl16_cc3m_fsdp.py: the ViT-S recipe with ViT-L/16 and CLIP-L text towers, run by
    mmengine's FlexibleRunner with Harmony's FSDP wrapper (built on the meta device: no memory)."""
    from harmony.models import Harmony
    from harmony.models.algorithms.fsdp_wrapper import TRANSFORMER_BLOCKS, teacher_parameters_outside_blocks
    cfg = Config.fromfile(REPO / 'configs' / 'harmony' / 'vitl16_cc3m_fsdp.py')
    assert cfg.runner_type == 'harmony.HarmonyFlexibleRunner' and cfg.strategy.type == 'harmony.HarmonyFSDPStrategy'
    assert cfg.strategy.model_wrapper.type == 'harmony.HarmonyFullyShardedDataParallel'
    assert cfg.strategy.state_dict_cfg == 'full'
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper' and cfg.optim_wrapper.optimizer.fused is False
    with torch.device('meta'):
        model = Harmony(**{k: v for k, v in cfg.model.items() if k != 'type'})
    assert model.backbone.embed_dims == 1024 and model.backbone.num_layers == 24 and model.backbone.with_cp
    assert model.text_encoder.width == 768
    image_params = sum(p.numel() for p in model.backbone.parameters())
    assert 300e6 < image_params < 310e6  # ViT-L/16
    blocks = [m for m in model.modules() if isinstance(m, TRANSFORMER_BLOCKS)]
    in_blocks = sum(p.numel() for m in blocks for p in m.parameters())
    assert in_blocks > 0.85 * sum(p.numel() for p in model.parameters())  # what FSDP shards block by block
    assert all(not p.requires_grad for p in teacher_parameters_outside_blocks(model))


@pytest.mark.parametrize('arch, name', [('small', 'vits16'), ('base', 'vitb16')])
def test_default_recipe_is_the_references_and_reference_mode_turns_on_the_rest(arch, name):
    """docs/en/reference_differences.md: the defaults follow the reference's recipe; the reference configs add
    only the switches of the conventions the defaults keep a fix for."""
    from harmony.engine import HarmonyScheduleHook
    default = Config.fromfile(REPO / 'configs' / 'harmony' / f'{name}_cc3m.py')
    reference = Config.fromfile(REPO / 'configs' / 'harmony' / 'reference' / f'{name}_cc3m_reference.py')
    model = default.model
    assert model.backbone.arch == reference.model.backbone.arch == arch
    ibot, mae, mlm, text_dist = (model.objectives[name] for name in ('ibot', 'mae', 'mlm', 'text_dist'))
    assert (ibot.loss.cls_weight, ibot.loss.patch_weight, mae.loss.loss_weight) == (0.5, 0.5, 2.0)
    assert (model.text_encoder.act, model.text_encoder.token_features, text_dist.head.num_layers) == (
        'quick_gelu', 'pre_norm', 2)
    assert (mlm.decoder.causal, mlm.decoder.act, mlm.decoder.norm_eps) == (True, 'quick_gelu', 1e-5)
    warmup, cosine = default.param_scheduler
    assert (warmup.type, warmup.start_factor, warmup.end, cosine.begin, cosine.T_max) == (
        'LinearWarmupLR', 0.0, 3, 3, 22)
    hook = HarmonyScheduleHook(**{k: v for k, v in default.custom_hooks[0].items() if k != 'type'})
    assert (hook.warmup_teacher_epochs, hook.teacher_patch_temperature_steps) == (5, 'epoch')
    for cfg, mlm_masking in ((default, 'exact'), (reference, 'bernoulli')):
        pipeline = {t.type: t for t in cfg.train_dataloader.dataset.pipeline}
        assert pipeline['BlockwiseMasks'].min_block == 16
        assert (pipeline['MultiCrop'].global_scale, pipeline['MultiCrop'].local_scale) == ((0.4, 1.0), (0.05, 0.4))
        assert pipeline['TokenizeCaption'].get('mlm_masking', 'exact') == mlm_masking
    kept_fixes = dict(interpolate_offset=model.backbone.get('interpolate_offset', 0.0),
                      mae=(mae.decoder.get('pos_embed', 'sincos'), mae.decoder.get('norm_eps', 1e-6)),
                      centre=text_dist.loss.get('center', 'logits'), clamp='max_logit_scale' not in model.objectives.clip,
                      logit_scale_decay='logit_scale' in default.optim_wrapper.paramwise_cfg.custom_keys,
                      clip=default.optim_wrapper.constructor)  # global-norm clip_grad, no per-parameter one
    assert kept_fixes == dict(interpolate_offset=0.0, mae=('sincos', 1e-6), centre='logits', clamp=True,
                              logit_scale_decay=True, clip='QuietOptimWrapperConstructor')
    ref = reference.model
    ref_mae = ref.objectives.mae.decoder
    assert (ref.backbone.interpolate_offset, ref_mae.pos_embed, ref_mae.norm_eps) == (0.1, 'zeros', 1e-5)
    assert (ref.objectives.text_dist.loss.center, ref.objectives.clip.max_logit_scale,
            ref.data_preprocessor.trim_captions) == ('probabilities', None, False)
    assert 'custom_keys' not in reference.optim_wrapper.paramwise_cfg
    assert reference.optim_wrapper.constructor == 'PerParameterClipOptimWrapperConstructor'


PAPER_PROTOCOLS = sorted(c for c in DOWNSTREAM if c.endswith('_paper.py'))


@pytest.mark.parametrize('config', PAPER_PROTOCOLS)
def test_paper_protocol_configs_run_a_forward_with_the_backbone_shrunk(config):
    """The paper-protocol configs' model, with a 4-block 32-d backbone (as the demo twins shrink theirs), runs a
    forward on a 64-px image (SyncBN layers in eval mode run on CPU)."""
    cfg = Config.fromfile(REPO / config)
    with DefaultScope.overwrite_default_scope(cfg.default_scope), torch.no_grad():
        shrink_downstream_model(cfg)
        model = importlib.import_module(f'{cfg.default_scope}.registry').MODELS.build(cfg.model).eval()
        if cfg.default_scope == 'mmpretrain':
            assert model(torch.randn(1, 3, 64, 64), mode='tensor').shape == (1, 1000)
        elif cfg.default_scope == 'mmseg':
            logits = model(torch.randn(1, 3, 64, 64), mode='tensor')
            assert logits.shape[:2] == (1, 150) and torch.isfinite(logits).all()
            assert cfg.model.backbone.out_with_norm and 'backbone.norm.weight' in model.state_dict()
        else:
            from mmdet.structures import DetDataSample
            sample = DetDataSample(metainfo=dict(img_shape=(64, 64), ori_shape=(64, 64), scale_factor=(1.0, 1.0)))
            [result] = model(torch.randn(1, 3, 64, 64), [sample], mode='predict')
            assert result.pred_instances.bboxes.shape[1] == 4
            assert [h.loss_bbox.__class__.__name__ for h in model.roi_head.bbox_head] == ['GIoULoss'] * 3
