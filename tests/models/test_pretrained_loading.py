"""Loading never lies: Harmony checkpoints (teacher/student), exported backbones, prefixes, mismatches."""
import pytest
import torch
from safetensors.torch import save_file

from harmony.models import HarmonyViT
from harmony.models.utils import load_backbone_weights

TINY = dict(embed_dims=64, num_layers=2, num_heads=2)


def _vit(**kwargs):
    model = HarmonyViT(arch=TINY, img_size=32, patch_size=8, **kwargs)
    model.init_weights()
    return model


def _training_checkpoint(path):
    """A checkpoint shaped like Harmony's: student at backbone.*, EMA teacher at teacher.backbone.*."""
    student, teacher = _vit(mask_token=True), _vit(mask_token=True)
    state = {f'backbone.{k}': v for k, v in student.state_dict().items()}
    state.update({f'teacher.backbone.{k}': v for k, v in teacher.state_dict().items()})
    state['logit_scale'] = torch.tensor(2.0)
    torch.save({'meta': {'epoch': 1}, 'state_dict': state}, path)
    return student, teacher


def _same(a, b):
    return all(torch.equal(a.state_dict()[k], b.state_dict()[k]) for k in a.state_dict() if k != 'mask_token')


def test_training_checkpoint_loads_teacher_by_default_and_student_on_request(tmp_path):
    student, teacher = _training_checkpoint(tmp_path / 'harmony.pth')
    model = _vit()
    report = load_backbone_weights(model, str(tmp_path / 'harmony.pth'))
    assert _same(model, teacher) and not _same(model, student)
    assert report['missing'] == [] and report['unexpected'] == [] and report['ignored'] == ['mask_token']
    load_backbone_weights(model, str(tmp_path / 'harmony.pth'), source='student')
    assert _same(model, student)


def test_checkpoint_without_teacher_loads_the_student_and_says_so_when_asked_for_the_teacher(tmp_path):
    """Plain CLIP or MAE alone build no EMA teacher: the student is taken on request, the default explains."""
    student = _vit()
    state = {f'backbone.{k}': v for k, v in student.state_dict().items()}
    state['logit_scale'] = torch.tensor(2.0)
    torch.save({'state_dict': state}, tmp_path / 'clip.pth')
    model = _vit()
    load_backbone_weights(model, str(tmp_path / 'clip.pth'), source='student')
    assert _same(model, student)
    with pytest.raises(KeyError, match='no EMA teacher.*--source student'):
        load_backbone_weights(_vit(), str(tmp_path / 'clip.pth'))


def test_init_cfg_pretrained_honours_prefix(tmp_path):
    source = _vit()
    torch.save({'state_dict': {f'model.encoder.{k}': v for k, v in source.state_dict().items()}},
               tmp_path / 'other.pth')
    model = HarmonyViT(arch=TINY, img_size=32, patch_size=8,
                       init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'other.pth'),
                                     prefix='model.encoder.'))
    model.init_weights()
    assert _same(model, source)


def test_wrong_prefix_raises(tmp_path):
    _training_checkpoint(tmp_path / 'harmony.pth')
    model = HarmonyViT(arch=TINY, img_size=32, patch_size=8,
                       init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'harmony.pth'), prefix='encoder.'))
    with pytest.raises(KeyError, match="no key of the checkpoint starts with prefix 'encoder.'"):
        model.init_weights()


def test_nothing_matching_raises(tmp_path):
    torch.save({'state_dict': {'conv1.weight': torch.zeros(3)}}, tmp_path / 'resnet.pth')
    with pytest.raises(KeyError, match='none of its 1 tensors matches'):
        load_backbone_weights(_vit(), str(tmp_path / 'resnet.pth'))


def test_shape_mismatch_raises_but_pos_embed_is_resized(tmp_path):
    wide = HarmonyViT(arch=dict(embed_dims=96, num_layers=2, num_heads=2), img_size=32, patch_size=8)
    save_file(wide.state_dict(), str(tmp_path / 'wide.safetensors'))
    with pytest.raises(ValueError, match='has shape'):
        load_backbone_weights(_vit(), str(tmp_path / 'wide.safetensors'))
    small_grid = _vit()
    save_file(small_grid.state_dict(), str(tmp_path / 'grid4.safetensors'))
    bigger = HarmonyViT(arch=TINY, img_size=64, patch_size=8)
    report = load_backbone_weights(bigger, str(tmp_path / 'grid4.safetensors'))
    assert 'pos_embed' in report['matched'] and bigger.pos_embed.shape[1] == 1 + 64


def test_pretrained_without_a_checkpoint_refuses_to_train():
    model = HarmonyViT(arch=TINY, init_cfg=dict(type='Pretrained', checkpoint=None))
    with pytest.raises(ValueError, match='names no checkpoint'):
        model.init_weights()


def test_missing_file_raises():
    with pytest.raises(FileNotFoundError):
        load_backbone_weights(_vit(), 'does/not/exist.pth')


def test_init_cfg_of_another_type_is_refused():
    with pytest.raises(ValueError, match="init_cfg=None"):
        HarmonyViT(arch=TINY, init_cfg=dict(checkpoint='x.pth')).init_weights()
