"""Harmony's student passes give the losses, gradients and centres of the straightforward computation.

The straightforward computation (below, written as plainly as possible) runs the teachers' heads on every
token, encodes crop 1 again for CLIP, computes every output token of every last block, runs the iBOT head on
every token of every crop, the MAE decoder on both crops at once and the text tower once per caption. Drop
path is off, so that sharing crop 1's encoding between CLIP and iBOT is exact."""
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope

from harmony.datasets import Img2DatasetFolder, collate_pretraining
from harmony.models import Harmony
from harmony.models.algorithms import ScheduledValues
from tests.models.algorithms.test_harmony import TINY

PIPELINE = [dict(type='MultiCrop', global_size=32, local_size=16, num_local=6),
            dict(type='BlockwiseMasks', patch_size=8, mask_probability=0.5), dict(type='PatchShuffle', patch_size=8),
            dict(type='TokenizeCaption'), dict(type='PackPretrainingInputs')]


def _model():
    torch.manual_seed(0)
    model = Harmony(**dict(TINY, backbone=dict(TINY['backbone'], drop_path_rate=0.0)))
    model.init_weights()
    model.set_schedule(ScheduledValues(hard_weight=0.5, teacher_temperature=0.04, teacher_patch_temperature=0.06))
    with torch.no_grad():
        for buffer in model.running_statistics():
            buffer.normal_(0, 0.1)
    return model


def _inputs(demo_data, model, count=8):
    with DefaultScope.overwrite_default_scope('harmony'):
        dataset = Img2DatasetFolder(str(demo_data / 'pretrain' / 'files'), pipeline=PIPELINE, augment_seed=3)
    return model.data_preprocessor(collate_pretraining([dataset[i] for i in range(count)]), True)['inputs']


def _cross_entropy(teacher_probs, student_logits):
    return -(teacher_probs * F.log_softmax(student_logits, dim=-1)).sum(-1)


def _masked_mean(per_token, mask):
    mask = mask.float()
    return ((per_token * mask).sum(-1) / mask.sum(-1).clamp(min=1)).mean()


def straightforward_losses(model, x):
    """Every loss of Harmony computed the plain way (and the centres it would move to)."""
    B, G = x.text.shape[0], 2
    schedule = model.schedule
    teacher, ibot, text_dist = model.teacher, model.ibot_loss, model.text_dist_loss
    with torch.no_grad():
        tokens = teacher['backbone'].forward_tokens(x.global_crops)
        t_cls, t_patch = teacher['ibot_head'](tokens[:, 0]), teacher['ibot_head'](tokens[:, 1:])
        t_text, t_text_tokens = teacher['text_encoder'](x.text)
        t_clip_image = F.normalize(teacher['image_projection'](tokens[:B, 0]), dim=-1)
        t_clip_text = F.normalize(t_text, dim=-1)
        t_dist = teacher['text_dist_head'](t_text_tokens)
        p_cls = F.softmax((t_cls - ibot.center) / schedule.teacher_temperature, -1).chunk(G)
        p_patch = F.softmax((t_patch - ibot.patch_center) / schedule.teacher_patch_temperature, -1).chunk(G)
        p_dist = F.softmax((t_dist - text_dist.center) / schedule.teacher_patch_temperature, -1)
        valid = (x.text != 0).float()[..., None]
        centres = [0.9 * ibot.center + 0.1 * t_cls.mean(0, keepdim=True),
                   0.9 * ibot.patch_center + 0.1 * t_patch.mean(1).mean(0).view(1, 1, -1),
                   0.9 * text_dist.center + 0.1 * ((t_dist * valid).sum((0, 1)) / valid.sum()).view(1, 1, -1)]

    student = model.backbone.forward_tokens(x.global_crops, x.ibot_masks)
    local_cls = model.backbone.forward_tokens(x.local_crops)[:, 0]
    s_cls = (model.ibot_head(torch.cat([student[:, 0], local_cls])) / ibot.student_temperature).split(B)
    s_patch = (model.ibot_head(student[:, 1:]) / ibot.student_temperature).chunk(G)
    cls_terms = [_cross_entropy(p_cls[q], s_cls[v]).mean() for q in range(G) for v in range(len(s_cls)) if v != q]
    patch_terms = [_masked_mean(_cross_entropy(p_patch[q], s_patch[q]), x.ibot_masks.chunk(G)[q])
                   for q in range(G)]

    image = F.normalize(model.image_projection(model.backbone.forward_tokens(x.global_crops[:B])[:, 0]), dim=-1)
    text = F.normalize(model.text_encoder(x.text)[0], dim=-1)
    scale = model.logit_scale.clamp(max=model.objectives['clip'].max_logit_scale).exp().squeeze(0)
    clip = model.clip_loss(image, text, scale, schedule.hard_weight, t_clip_image, t_clip_text)

    num_keep = int(round(x.mae_shuffle.shape[1] * (1 - model.objectives['mae'].mask_ratio)))
    visible = model.backbone.forward_visible(x.global_crops, x.mae_shuffle[:, :num_keep])
    pred = model.mae_decoder(visible, x.mae_restore, (4, 4))
    per_patch = ((pred - model.mae_loss.targets(x.global_crops)) ** 2).mean(-1)
    mae = per_patch[x.mae_restore >= num_keep].mean()

    _, s_text_tokens = model.text_encoder(x.masked_text)
    mlm = model.mlm_loss(model.mlm_decoder(s_text_tokens, x.mlm_mask, x.text != 0), x.text, x.mlm_mask)
    s_dist = model.text_dist_head(s_text_tokens) / text_dist.student_temperature
    dist = _masked_mean(_cross_entropy(p_dist, s_dist), x.mlm_mask & (x.text != 0))
    losses = dict(loss_clip=clip, loss_ibot_cls=torch.stack(cls_terms).mean(),
                  loss_ibot_patch=torch.stack(patch_terms).mean(), loss_mae=mae, loss_mlm=mlm, loss_text_dist=dist)
    return losses, centres


def _gradients(model, losses):
    model.zero_grad()
    sum(value for name, value in losses.items() if name.startswith('loss')).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


def test_passes_equal_the_straightforward_computation(demo_data):
    model = _model()
    x = _inputs(demo_data, model)
    crop1_unmasked = ~x.ibot_masks[:8].any(dim=1)
    assert 0 < int(crop1_unmasked.sum()) < 8, 'the batch must have crop-1 encodings shared with CLIP and not'
    expected, expected_centres = straightforward_losses(model, x)
    expected_grads = _gradients(model, expected)

    losses = model.loss(x)
    assert [type(step).__name__ for step in model.student_passes(x)] == [
        'PairPass', 'GlobalCropPass', 'GlobalCropPass', 'LocalCropPass', 'LocalCropPass',
        'VisiblePatchPass', 'VisiblePatchPass']  # 6 local crops of 4+1 tokens, 3 per pass (a global crop has 16+1)
    for name, value in expected.items():
        torch.testing.assert_close(losses[name], value, rtol=1e-5, atol=1e-6, msg=name)
    for centre, value in zip(model.running_statistics(), expected_centres):
        torch.testing.assert_close(centre, value, rtol=1e-5, atol=1e-7)
    grads = _gradients(model, losses)
    assert grads.keys() == expected_grads.keys()
    for name, grad in grads.items():
        torch.testing.assert_close(grad, expected_grads[name], rtol=1e-4, atol=1e-6, msg=name)


def test_a_global_crop_without_any_mask_in_the_batch(demo_data):
    """Every crop-2 image drawn without a mask: that pass reads the CLS tokens only."""
    model = _model()
    x = _inputs(demo_data, model)
    x.ibot_masks[8:] = False
    expected, _ = straightforward_losses(model, x)
    losses = model.loss(x)
    for name, value in expected.items():
        torch.testing.assert_close(losses[name], value, rtol=1e-5, atol=1e-6, msg=name)


def test_each_pass_alone_adds_up_to_the_whole(demo_data):
    """Shares of separately run passes (the sequential-backward unit) sum to the one-call losses."""
    model = _model()
    x = _inputs(demo_data, model)
    teacher = model.teacher_targets(x)
    whole = model.loss(x, teacher)
    shares = [model.loss(x, teacher, passes=(index,)) for index in range(len(model.student_passes(x)))]
    for name, value in whole.items():
        if name.startswith('loss'):
            torch.testing.assert_close(sum(share[name] for share in shares if name in share), value, msg=name)
