"""The Harmony algorithm on tiny towers: objectives and ablations, gradient routing, EMA teachers, schedules."""
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from harmony.datasets import Img2DatasetFolder, collate_pretraining
from harmony.engine.hooks.harmony_schedule_hook import HarmonyScheduleHook, cosine
from harmony.models import Harmony
from harmony.models.algorithms import ScheduledValues
from tests.conftest import REPO

TINY_OBJECTIVES = dict(
    clip=dict(type='CLIPObjective'),
    ibot=dict(type='IBOTObjective', head=dict(out_dim=64, hidden_dims=32, bottleneck_dims=16)),
    mae=dict(type='MAEObjective', decoder=dict(dims=32, depth=1, num_heads=2)),
    mlm=dict(type='MLMObjective', decoder=dict(depth=1, num_heads=2)),
    text_dist=dict(type='TextDistillationObjective', head=dict(out_dim=32, hidden_dims=32, bottleneck_dims=16)))
TINY = dict(
    backbone=dict(arch=dict(embed_dims=32, num_layers=2, num_heads=2), img_size=32, patch_size=8),
    text_encoder=dict(width=32, heads=2, layers=1, embed_dim=16),
    objectives=TINY_OBJECTIVES)
# The same tiny towers as --cfg-options over a demo config.
TINY_OPTIONS = ['model.backbone.arch.embed_dims=32', 'model.backbone.arch.num_layers=2',
                'model.backbone.arch.num_heads=2', 'model.text_encoder.width=32', 'model.text_encoder.heads=2',
                'model.text_encoder.layers=1', 'model.text_encoder.embed_dim=16',
                'model.objectives.ibot.head.out_dim=64', 'model.objectives.ibot.head.hidden_dims=32',
                'model.objectives.text_dist.head.out_dim=32', 'model.objectives.text_dist.head.hidden_dims=32',
                'model.objectives.mae.decoder.dims=32', 'model.objectives.mae.decoder.depth=1',
                'model.objectives.mae.decoder.num_heads=2', 'model.objectives.mlm.decoder.num_heads=2']
LOSSES = {'clip': ['loss_clip'], 'ibot': ['loss_ibot_cls', 'loss_ibot_patch'], 'mae': ['loss_mae'],
          'mlm': ['loss_mlm'], 'text_dist': ['loss_text_dist']}


def tiny_objectives(names=tuple(TINY_OBJECTIVES), soft_targets=True, **changes):
    """The tiny objectives `names`, each config updated with `changes[name]` (a dict)."""
    objectives = {name: dict(TINY_OBJECTIVES[name], **changes.get(name, {})) for name in names}
    if 'clip' in objectives:
        objectives['clip']['soft_targets'] = soft_targets
    return objectives


ABLATIONS = sorted((REPO / 'configs' / 'harmony' / 'ablations').glob('*.py'))


@pytest.fixture(scope='module')
def batch(demo_data):
    pipeline = [dict(type='MultiCrop', global_size=32, local_size=16, num_local=2),
                dict(type='BlockwiseMasks', patch_size=8, mask_probability=1.0),
                dict(type='PatchShuffle', patch_size=8), dict(type='TokenizeCaption'),
                dict(type='PackPretrainingInputs')]
    with DefaultScope.overwrite_default_scope('harmony'):
        dataset = Img2DatasetFolder(str(demo_data / 'pretrain' / 'files'), pipeline=pipeline)
    return collate_pretraining([dataset[i] for i in range(4)])


def _model(**kwargs):
    torch.manual_seed(0)
    model = Harmony(**dict(TINY, **kwargs))
    model.init_weights()
    return model


def _losses(model, batch):
    model.set_schedule(ScheduledValues(hard_weight=0.5))
    return model(**model.data_preprocessor(batch, True))


@pytest.mark.parametrize('config', ['configs/harmony/vits16_cc3m.py'] + [str(p.relative_to(REPO)) for p in ABLATIONS])
def test_every_config_objective_set_builds_and_steps(config, batch):
    model_cfg = Config.fromfile(REPO / config).model
    objectives = tuple(name for name, cfg in model_cfg.objectives.items() if cfg is not None)
    soft = 'clip' not in objectives or model_cfg.objectives.clip.soft_targets
    model = _model(objectives=tiny_objectives(objectives, soft))
    losses = _losses(model, batch)
    expected = [name for objective in objectives for name in LOSSES[objective]]
    assert sorted(k for k in losses if 'loss' in k) == sorted(expected)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert trainable and all(model.get_parameter(n).grad is not None for n in trainable)
    built = {name for name, _ in model.named_children()}
    assert ('mae_decoder' in built) == ('mae' in objectives) and ('mlm_decoder' in built) == ('mlm' in objectives)
    assert ('text_encoder' in built) == bool({'clip', 'mlm', 'text_dist'} & set(objectives))
    assert ('image_projection' in model.teacher) == ('clip' in objectives and soft)


@pytest.mark.parametrize('loss_name,reached,untouched', [
    ('loss_mae', {'backbone', 'mae_decoder'}, {'text_encoder', 'ibot_head', 'image_projection', 'mlm_decoder'}),
    ('loss_mlm', {'text_encoder', 'mlm_decoder'}, {'backbone', 'mae_decoder', 'ibot_head', 'text_dist_head'}),
    ('loss_ibot_patch', {'backbone', 'ibot_head'}, {'text_encoder', 'mae_decoder', 'image_projection'}),
    ('loss_clip', {'backbone', 'text_encoder', 'image_projection', 'logit_scale'}, {'mae_decoder', 'ibot_head'}),
])
def test_each_objective_sends_gradient_only_where_it_should(loss_name, reached, untouched, batch):
    model = _model()
    _losses(model, batch)[loss_name].backward()
    touched = {n.split('.')[0] for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0}
    assert reached <= touched and not (untouched & touched)
    assert all(p.grad is None for p in model.teacher.parameters())


def test_training_lowers_every_loss(batch):
    """Against fixed targets (teachers and centres frozen, one batch), every objective's gradient lowers it."""
    frozen_centres = dict(loss=dict(center_momentum=1.0))
    model = _model(backbone=dict(TINY['backbone'], drop_path_rate=0.0),
                   objectives=tiny_objectives(ibot=frozen_centres, text_dist=frozen_centres))
    data = model.data_preprocessor(batch, True)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    history = []
    for _ in range(30):
        losses = {k: v for k, v in model(**data).items() if k.startswith('loss')}
        optimizer.zero_grad()
        sum(losses.values()).backward()
        optimizer.step()
        history.append({k: float(v) for k, v in losses.items()})
    assert sorted(history[0]) == sorted(name for names in LOSSES.values() for name in names)
    for name in history[0]:
        assert history[-1][name] < 0.9 * history[0][name], (name, history[0][name], history[-1][name])


def test_teacher_starts_as_the_student_and_follows_the_ema(batch):
    model = _model()
    for name, teacher in model.teacher.items():
        student = getattr(model, name).state_dict()
        assert all(torch.equal(v, student[k]) for k, v in teacher.state_dict().items())
    before = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    with torch.no_grad():
        for p in model.parameters():
            if p.requires_grad:
                p.add_(torch.randn_like(p))
    model.update_teacher(0.9)
    for key, value in model.teacher.state_dict().items():
        name, rest = key.split('.', 1)
        student = getattr(model, name).state_dict()[rest]
        torch.testing.assert_close(value, 0.9 * before[key] + 0.1 * student)


def test_unknown_objective_is_refused():
    with pytest.raises(KeyError, match='SigCLIPObjective is not in the'):
        Harmony(**dict(TINY, objectives=dict(TINY_OBJECTIVES, sigclip=dict(type='SigCLIPObjective'))))
    with pytest.raises(ValueError, match='configures no objective'):
        Harmony(**dict(TINY, objectives=dict(clip=None)))


def test_schedules_are_functions_of_the_iteration_and_survive_short_runs():
    hook = HarmonyScheduleHook(warmup_teacher_epochs=10, teacher_patch_temperature_steps='iter')
    hook.iters_per_epoch = 10
    start, end = hook.values(0, 1000), hook.values(1000, 1000)
    assert start['momentum'] == pytest.approx(0.996) and end['momentum'] == 1.0
    assert start['hard_weight'] == 1.0 and hook.values(100, 1000)['hard_weight'] == pytest.approx(0.2)
    assert start['weight_decay'] == pytest.approx(0.04) and end['weight_decay'] == pytest.approx(0.4)
    assert start['freeze_last_layer'] and not hook.values(10, 1000)['freeze_last_layer']
    assert hook.values(50, 1000)['teacher_patch_temperature'] == pytest.approx(0.055)
    short = hook.values(3, 5)  # a 5-iteration run: every warm-up is cut short, nothing breaks
    assert 0.2 < short['hard_weight'] < 1.0 and short['teacher_patch_temperature'] < 0.07
    assert cosine(1.0, 0.2, 0, 0) == 0.2
