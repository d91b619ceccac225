"""Reference-exact mode equals the authors' code: the numeric fixture made with it (the team's shared
fixtures/reference_harmony beside the repository, or $HARMONY_REFERENCE_FIXTURE; see its README) loads through the
reference converter, and every loss term and centre of two steps matches."""
import hashlib
import json
import os
import zlib
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from safetensors.torch import load_file

from harmony.engine.hooks import HarmonyScheduleHook
from harmony.models.algorithms import ScheduledValues
from harmony.models.utils.reference_checkpoint import (ReferenceCheckpointError, checked_against,
                                                       convert_teacher_towers, convert_training_state)
from harmony.registry import MODELS
from harmony.structures import PretrainingBatch
from tests.conftest import REPO

FIXTURE = Path(os.environ.get('HARMONY_REFERENCE_FIXTURE', REPO.parent / 'shared' / 'fixtures' / 'reference_harmony'))
CONFIG = REPO / 'configs' / 'harmony' / 'reference' / 'vits16_cc3m_reference.py'
RTOL = 1e-5
# The fixture's sizes (its README, section 1) over the reference config.
FIXTURE_SIZES = {
    'model.backbone.arch': dict(_delete_=True, embed_dims=64, num_layers=2, num_heads=2),
    'model.backbone.img_size': 64,
    'model.backbone.drop_path_rate': 0.0,
    'model.text_encoder.width': 64,
    'model.text_encoder.heads': 8,
    'model.text_encoder.layers': 2,
    'model.text_encoder.embed_dim': 512,
    'model.objectives.ibot.head.out_dim': 256,
    'model.objectives.text_dist.head.out_dim': 64,
    'model.objectives.mae.decoder': dict(dims=64, depth=1, num_heads=2),
}


def reference_weights(spec):
    """The fixture's weight rule (README section 2), one tensor per seed key, checked against its sha256."""
    entries = {k: e for role in spec['model_state_dict'].values() for k, e in role.items()}
    cache, state = {}, {}
    for key in spec['model_state_dict_order']:
        entry = entries[key]
        seed, shape, init = entry['seed_key'], entry['shape'], entry['init']
        if seed not in cache:
            if init['kind'] == 'zeros':
                value = torch.zeros(shape)
            elif init['kind'] == 'ones':
                value = torch.ones(shape)
            elif init['kind'] == 'constant':
                value = torch.full(shape, init['value'])
            else:
                generator = torch.Generator().manual_seed(zlib.crc32(seed.encode('utf-8')))
                value = torch.randn(shape, generator=generator, dtype=torch.float32) * init['std']
                if init['mean'] != 0:
                    value = value + init['mean']
            digest = hashlib.sha256(value.contiguous().numpy().tobytes()).hexdigest()
            assert digest == spec['canonical_checksums'][seed]['sha256'], \
                f'{seed}: this torch draws other random numbers than the fixture\'s (torch 2.14.1)'
            cache[seed] = value
        state[key] = cache[seed]
    return state


@pytest.fixture(scope='module')
def fixture():
    if not (FIXTURE / 'spec.json').is_file():
        raise FileNotFoundError(f'the reference fixture is not at {FIXTURE}: put shared/fixtures/reference_harmony '
                                'beside the repository or set HARMONY_REFERENCE_FIXTURE to its folder')
    spec = json.loads((FIXTURE / 'spec.json').read_text())
    return dict(spec=spec, state=reference_weights(spec), expected=json.loads((FIXTURE / 'expected.json').read_text()),
                centres=load_file(FIXTURE / 'centres.safetensors'), batch=load_file(FIXTURE / 'batch.safetensors'))


def reference_model(fixture):
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(FIXTURE_SIZES)
    with DefaultScope.overwrite_default_scope('harmony'):  # another test may have left mmpretrain's
        model = MODELS.build(cfg.model)
    converted, notes = convert_training_state(fixture['state'])
    assert any('decoder_pos_embed' in note for note in notes)
    model.load_state_dict(checked_against(converted, model.state_dict()), strict=True)
    return model.train(), cfg


def model_inputs(batch):
    """The fixture's batch ([crop, image, ...]) as the model's view-major inputs."""
    views = lambda name: batch[name].flatten(0, 1)  # noqa: E731
    return PretrainingBatch(global_crops=views('global_crops'), num_global=batch['global_crops'].shape[0],
                            local_crops=views('local_crops'), ibot_masks=views('ibot_masks').flatten(1),
                            mae_shuffle=views('mae_ids_shuffle'), mae_restore=views('mae_ids_restore'),
                            text=batch['captions'], masked_text=batch['masked_captions'],
                            mlm_mask=batch['mlm_mask'].bool())


def schedule_values(cfg, iteration):
    """The reference config's schedule hook at `iteration` of the fixture's run (1 iteration per epoch, 25)."""
    hook_cfg = dict(next(h for h in cfg.custom_hooks if h['type'] == 'HarmonyScheduleHook'))
    hook_cfg.pop('type')
    hook = HarmonyScheduleHook(**hook_cfg)
    hook.iters_per_epoch = 1
    return hook.values(iteration, 25)


def relative_error(ours, reference):
    return abs(float(ours) - reference) / abs(reference)


def test_reference_config_computes_every_loss_and_centre_of_the_reference(fixture):
    model, cfg = reference_model(fixture)
    inputs = model_inputs(fixture['batch'])
    for step in fixture['expected']['steps']:
        values = schedule_values(cfg, step['iteration'])
        schedule = step['schedule']
        assert values['hard_weight'] == pytest.approx(schedule['hard_label_weight'], abs=1e-12)
        assert values['teacher_temperature'] == schedule['teacher_temp_cls']
        assert values['teacher_patch_temperature'] == pytest.approx(schedule['teacher_temp_patch'], abs=1e-12)
        model.set_schedule(ScheduledValues(hard_weight=values['hard_weight'],
                                           teacher_temperature=values['teacher_temperature'],
                                           teacher_patch_temperature=values['teacher_patch_temperature']))
        with torch.no_grad():
            losses = model.loss(inputs, model.teacher_targets(inputs))
        reference = step['losses']
        pairs = dict(loss_clip='clip', loss_ibot_cls='ibot_cls_weighted', loss_ibot_patch='ibot_patch_weighted',
                     loss_mae='mae', loss_mlm='mlm', loss_text_dist='text_dist')
        errors = {name: relative_error(losses[name], reference[term]) for name, term in pairs.items()}
        errors['total'] = relative_error(sum(float(v) for k, v in losses.items() if k.startswith('loss')),
                                         reference['total'])
        centres = dict(ibot_cls=model.ibot_loss.center, ibot_patch=model.ibot_loss.patch_center,
                       text_dist=model.text_dist_loss.center)
        for name, centre in centres.items():
            expected = fixture['centres'][f'step{step["step"]}.{name}']
            assert centre.shape == expected.shape
            errors[f'centre {name}'] = float((centre - expected).abs().max() / expected.abs().max())
        print(f'step {step["step"]} worst relative differences: '
              + ', '.join(f'{name} {error:.1e}' for name, error in errors.items()))
        assert max(errors.values()) <= RTOL, errors


def test_reference_config_never_clamps_the_logit_scale(fixture):
    model, cfg = reference_model(fixture)
    inputs = model_inputs(fixture['batch'])
    step = fixture['expected']['steps'][0]
    supplementary = fixture['expected']['supplementary']['clip_logit_scale_ln200']
    model.set_schedule(ScheduledValues(hard_weight=step['schedule']['hard_label_weight']))
    model.logit_scale.data.fill_(supplementary['logit_scale'])
    with torch.no_grad():
        loss = model.loss(inputs, model.teacher_targets(inputs), passes=[0])['loss_clip']
    assert relative_error(loss, supplementary['clip']) <= RTOL


def test_converter_maps_every_alias_and_refuses_missing_extra_or_inconsistent_tensors(fixture):
    state = fixture['state']
    converted, _ = convert_training_state(state)
    assert converted['logit_scale'].shape == (1, )
    torch.testing.assert_close(converted['image_projection.weight'], state['image_encoder.contrastive_projection'].t())
    model, _ = reference_model(fixture)
    own = model.state_dict()
    with pytest.raises(ReferenceCheckpointError, match='mlm_head.unknown_layer.weight'):
        convert_training_state({**state, 'mlm_head.unknown_layer.weight': torch.zeros(1)})
    inconsistent = {**state, 'student.backbone.cls_token': state['image_encoder.cls_token'] + 1}
    with pytest.raises(ReferenceCheckpointError, match='student.backbone.cls_token differs from image_encoder.cls_token'):
        convert_training_state(inconsistent)
    missing = {k: v for k, v in state.items() if not k.endswith('mlm_head.head.bias')}
    with pytest.raises(ReferenceCheckpointError, match=r'does not set: \[\'mlm_decoder.vocab.bias\'\]'):
        checked_against(convert_training_state(missing)[0], own)
    without_mlm = {k: v for k, v in own.items() if not k.startswith('mlm_decoder.')}
    with pytest.raises(ReferenceCheckpointError, match='tensors this model does not: .*mlm_decoder'):
        checked_against(converted, without_mlm)
    wrong_shape = {**own, 'text_encoder.text_projection': torch.empty(64, 256)}
    with pytest.raises(ReferenceCheckpointError, match=r'text_encoder.text_projection: .*\(64, 512\).*\(64, 256\)'):
        checked_against(converted, wrong_shape)
    with pytest.raises(ReferenceCheckpointError, match='decoder_pos_embed is not all zeros'):
        convert_training_state({**state, 'generative_path.decoder_pos_embed': torch.ones(1, 17, 64)})


def test_teacher_tower_files_convert_to_the_teacher_of_the_training_checkpoint(fixture):
    spec, state = fixture['spec'], fixture['state']
    vit = {k: state[e['equals_checkpoint_key']] for k, e in spec['main_vit_checkpoint_pth']['keys'].items()}
    text = {k: state[e['equals_checkpoint_key']] for k, e in spec['main_text_checkpoint_pth']['keys'].items()}
    towers = convert_teacher_towers(vit, text)
    full, _ = convert_training_state(state)
    assert towers.keys() == {k for k in full if k.startswith('teacher.')
                             and k.split('.')[1] in ('backbone', 'image_projection', 'text_encoder')}
    for key, tensor in towers.items():
        torch.testing.assert_close(tensor, full[key], rtol=0, atol=0)
    with pytest.raises(ReferenceCheckpointError, match='head.weight'):
        convert_teacher_towers({**vit, 'head.weight': torch.zeros(1)})


def test_reference_optimiser_decays_every_matrix_and_clips_the_image_student_tensor_by_tensor(fixture):
    from mmengine.optim import build_optim_wrapper
    model, cfg = reference_model(fixture)
    optim_cfg = dict(cfg.optim_wrapper, type='OptimWrapper')  # AmpOptimWrapper needs CUDA
    optim_cfg.pop('dtype')
    optim_cfg['optimizer'] = dict(optim_cfg['optimizer'], fused=False)
    with DefaultScope.overwrite_default_scope('harmony'):
        wrapper = build_optim_wrapper(model, optim_cfg)
    decay = {id(p): group['weight_decay'] for group in wrapper.param_groups for p in group['params']}
    for name in ('backbone.pos_embed', 'backbone.cls_token', 'backbone.mask_token', 'logit_scale',
                 'text_encoder.positional_embedding'):
        assert decay[id(model.get_parameter(name))] == 0.04, name
    assert decay[id(model.get_parameter('backbone.norm.weight'))] == 0.0
    for param in model.parameters():
        param.grad = torch.full_like(param, 10.0)
    wrapper._clip_grad()
    assert model.backbone.pos_embed.grad.norm() == pytest.approx(3.0, rel=1e-5)
    assert model.ibot_head.mlp[0].weight.grad.norm() == pytest.approx(3.0, rel=1e-5)
    assert (model.text_encoder.positional_embedding.grad == 10.0).all()  # the text tower is not clipped
