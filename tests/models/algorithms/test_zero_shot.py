"""Zero-shot classification with Harmony's CLIP towers: prototypes, scores, towers, class names and prompts."""
import json
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from harmony.models import Harmony
from harmony.utils.tokenizer import CaptionTokenizer
from harmony.registry import MODELS
from harmony.models.algorithms.clip_evaluation import resolve_classnames, resolve_templates
from tests.conftest import REPO, run_tool
from tests.models.algorithms.test_harmony import TINY, TINY_OPTIONS, tiny_objectives

TEMPLATES = ('a photo of a {}.', 'a drawing of a {}.')
CLIP_ONLY = ('model.objectives.clip.soft_targets=False', 'model.objectives.ibot=None', 'model.objectives.mae=None',
             'model.objectives.mlm=None', 'model.objectives.text_dist=None')


def _model(**kwargs):
    torch.manual_seed(0)
    model = Harmony(**dict(TINY, **kwargs))
    model.init_weights()
    return model.eval()


def test_prototypes_are_normalised_means_of_normalised_prompt_embeddings():
    model = _model()
    model.set_zero_shot_classes(['circle', 'star', 'heart'], TEMPLATES)
    tokenizer = CaptionTokenizer()
    expected = []
    for name in ['circle', 'star', 'heart']:
        ids = tokenizer([t.format(name) for t in TEMPLATES])
        text, _ = model.teacher['text_encoder'](ids)
        expected.append(F.normalize(F.normalize(text, dim=-1).mean(0), dim=0))
    torch.testing.assert_close(model.zero_shot_classifier, torch.stack(expected, dim=1), rtol=1e-5, atol=1e-6)


def test_scores_are_the_softmax_of_100_times_the_cosine():
    model = _model()
    model.set_zero_shot_classes(['circle', 'star'], TEMPLATES)
    images = torch.randn(3, 3, 32, 32)
    samples = model(images, [DataSample() for _ in range(3)], mode='predict')
    cls = model.teacher['backbone'].forward_tokens(images)[:, 0]
    image = F.normalize(model.teacher['image_projection'](cls), dim=-1)
    expected = (100 * image @ model.zero_shot_classifier).softmax(-1)
    torch.testing.assert_close(torch.stack([s.pred_score for s in samples]), expected)


@pytest.mark.parametrize('kwargs,towers', [
    ({}, 'EMA teacher'), (dict(eval_source='student'), 'student'),
    (dict(objectives=tiny_objectives(soft_targets=False)),
     'student (backbone, image_projection, text_encoder), as the teacher has no CLIP towers')])
def test_the_evaluated_towers_are_named(kwargs, towers):
    assert _model(**kwargs).set_zero_shot_classes(['circle'], TEMPLATES).startswith(towers)


def test_misuse_fails_clearly():
    with pytest.raises(RuntimeError, match='add ZeroShotHook'):
        _model()(torch.randn(1, 3, 32, 32), [DataSample()], mode='predict')
    with pytest.raises(ValueError, match='need the CLIP towers'):
        _model(objectives=tiny_objectives(('mae',))).set_zero_shot_classes(['circle'], TEMPLATES)
    with pytest.raises(KeyError, match='unknown template set'):
        resolve_templates('imagenet')
    with pytest.raises(ValueError, match='3 zero-shot class names for a dataset with 2 classes'):
        resolve_classnames(['a', 'b', 'c'], ['x', 'y'])
    assert len(resolve_classnames('imagenet', None)) == 1000 and len(resolve_templates('openai')) == 80
    assert resolve_classnames(None, ['tree_frog']) == ['tree frog']


def test_random_towers_are_near_chance_on_the_demo_classes(demo_data, tmp_path):
    """tools/test.py on the demo pre-training config (its test split is the zero-shot demo set), random weights."""
    torch.manual_seed(0)
    cfg = Config.fromfile(REPO / 'configs/demo/harmony_vit-demo_demo-pretrain.py')
    cfg.merge_from_dict({o.split('=')[0]: int(o.split('=')[1]) for o in TINY_OPTIONS})
    with DefaultScope.overwrite_default_scope('harmony'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    checkpoint = tmp_path / 'random.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
    root = demo_data / 'classification'
    result = run_tool('tools/test.py', 'configs/demo/harmony_vit-demo_demo-pretrain.py', checkpoint, '--work-dir',
                      tmp_path, '--cfg-options', *TINY_OPTIONS, f'test_dataloader.dataset.data_root={root}',
                      f'test_dataloader.dataset.classes={root / "classnames.txt"}', 'test_dataloader.num_workers=0')
    assert 'weights evaluated: EMA teacher' in result.stdout
    chance, sigma = _chance_and_sigma(root / 'val')
    assert abs(_top1(result) - chance) < 3 * sigma, result.stdout[-2000:]


def _top1(result, key='accuracy/top1'):
    """The metric `key` of the `metrics: {json}` line that tools/test.py prints, as a fraction."""
    line = [line for line in result.stdout.splitlines() if line.startswith('metrics: ')][-1]
    return json.loads(line[len('metrics: '):])[key] / 100


def _chance_and_sigma(folder):
    """Chance top-1 of a class-folder set and the binomial standard deviation of a random guesser's accuracy."""
    classes = [d for d in folder.iterdir() if d.is_dir()]
    count = sum(len(list(d.glob('*.jpg'))) for d in classes)
    chance = 1 / len(classes)
    return chance, math.sqrt(chance * (1 - chance) / count)


@pytest.fixture(scope='module')
def full_demo_data(tmp_path_factory):
    """The default-size demo world (4,000 pairs; ~15 s to generate)."""
    from harmony.demo import generate_demo_data
    out = tmp_path_factory.mktemp('demo_default')
    generate_demo_data(out, seed=0, size='default', image_size=96)
    return out


def test_clip_trained_for_two_minutes_is_far_above_chance(full_demo_data, tmp_path):
    """CLIP (the demo ablation: demo towers, data pipeline and schedule) trained for 2 epochs of the demo pairs
    (500 steps, ~2 min on 2 cores) names the colour of the demo objects zero-shot, >= 10 standard deviations of a
    random guesser above chance (6 colours; shapes take far longer, see docs/en/pretraining.md)."""
    pairs, colours = full_demo_data / 'pretrain' / 'files', full_demo_data / 'colours'
    data = [f'train_dataloader.dataset.data_root={pairs}', f'val_dataloader.dataset.data_root={colours}',
            f'val_dataloader.dataset.classes={colours / "classnames.txt"}', 'train_cfg.val_interval=100']
    run_tool('tools/train.py', 'configs/demo/ablations/harmony_vit-demo_demo-pretrain_clip-only.py', '--work-dir',
             tmp_path, '--cfg-options', *data, env=dict(OMP_NUM_THREADS='2'), timeout=1800)
    checkpoint = (tmp_path / 'last_checkpoint').read_text().strip()
    result = run_tool('tools/test.py', 'configs/demo/zeroshot-colours_harmony-vit-demo_demo.py', checkpoint,
                      '--work-dir', tmp_path / 'test', '--cfg-options', *CLIP_ONLY,
                      f'test_dataloader.dataset.data_root={colours}',
                      f'test_dataloader.dataset.classes={colours / "classnames.txt"}')
    assert 'weights evaluated: student' in result.stdout
    chance, sigma = _chance_and_sigma(colours / 'val')
    assert _top1(result, 'colour_accuracy/top1') > chance + 10 * sigma, result.stdout[-2000:]
