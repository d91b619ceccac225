"""Harmony: CLIP with soft targets + iBOT + MAE + MLM + text self-distillation, with EMA teachers."""
import functools
import math

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from harmony.registry import MODELS
from harmony.utils.tokenizer import CaptionTokenizer
from ..backbones import HarmonyViT
from ..heads import MAEDecoder, MLMDecoder, ProjectionHead
from ..losses import (IBOTLoss, MaskedLanguageModelingLoss, MaskedPixelLoss, SoftCLIPLoss, TextDistillationLoss,
                      masked_token_weights)
from ..text import HarmonyTextEncoder
from ..utils import ema_update
from ..utils.distributed import world_info
from .clip_evaluation import zero_shot_weights
from .nonfinite_guard import NonFiniteGuard
from .train_step import add_shares, harmony_train_step

OBJECTIVES = ('clip', 'ibot', 'mae', 'mlm', 'text_dist')
LOSS_NAMES = {'clip': ('loss_clip',), 'ibot': ('loss_ibot_cls', 'loss_ibot_patch'), 'mae': ('loss_mae',),
              'mlm': ('loss_mlm',), 'text_dist': ('loss_text_dist',)}
NUM_GLOBAL = 2  # global crops per image (MultiCrop)


@MODELS.register_module()
class Harmony(BaseModel):
    """The Harmony pre-training algorithm; any non-empty subset of OBJECTIVES (disabled parts are not built).

    Student modules (checkpoint keys): ``backbone`` (HarmonyViT), ``image_projection`` and ``logit_scale``
    (clip), ``text_encoder`` (clip, mlm, text_dist), ``ibot_head``, ``mae_decoder``, ``mlm_decoder``,
    ``text_dist_head``. EMA teacher under ``teacher.``: ``backbone`` (+ ``image_projection`` with soft CLIP
    targets, ``ibot_head`` with iBOT), ``text_encoder`` (soft CLIP or text_dist, + ``text_dist_head``). The
    teachers are copied from the students after weight initialisation and updated by `update_teacher`
    (called by `HarmonyScheduleHook`, which also sets `hard_weight`, the teacher temperatures and
    `freeze_last_layer`).

    Each teacher runs once per step (`teacher_outputs`) and feeds every objective that needs it; the students
    run as `student_passes`, each encoding computed once and only where a loss uses it. Losses are
    returned separately (``loss_clip``, ``loss_ibot_cls``, ``loss_ibot_patch``, ``loss_mae``, ``loss_mlm``,
    ``loss_text_dist``), with log-only ``logit_scale``, ``hard_weight`` and ``teacher_temp``; the logged values
    are averaged over ranks. A step whose loss is not finite changes nothing (`harmony_train_step`).

    Args:
        backbone: HarmonyViT kwargs (built directly, so the model works inside any default scope).
        text_encoder: HarmonyTextEncoder kwargs (its ``embed_dim`` is the CLIP embedding size).
        objectives: which objectives to train.
        soft_clip: soft CLIP targets from the EMA teacher (False: plain CLIP hard targets, no teacher for CLIP).
        ibot_head, text_dist_head: ProjectionHead kwargs (in_dims filled in); mae_decoder, mlm_decoder: kwargs.
        clip_loss, ibot_loss, mae_loss, text_dist_loss: kwargs of the loss modules.
        loss_weights: multiplier per loss name (default 1).
        mae_ratio: share of patches MAE drops (the pipeline's PatchShuffle gives the random order).
        init_logit_scale, max_logit_scale: CLIP temperature init log(1/0.07), clamp log(100) (None: no clamp, as
            the reference, whose weight decay on the logit scale holds it back instead).
        sequential_backward: back-propagate each student pass (`student_passes`) right after its forward,
            freeing its activations before the next pass runs (DDP gradient sync only on the last): the same
            gradients as one backward of the summed loss, with the peak memory of the largest pass (about one
            global crop's worth of tokens) instead of all of them.
            Distributed runs need ``model_wrapper_cfg=dict(type='harmony.HarmonyDistributedDataParallel')``.
        max_nonfinite_steps: stop the run after this many consecutive steps with a non-finite loss (each of
            them is skipped and logged with its objective).
        eval_source: 'teacher' (default) or 'student': the towers that zero-shot and retrieval evaluate (the
            student's when the teacher has no CLIP towers, i.e. without soft CLIP targets; always logged).
    """

    def __init__(self, backbone, text_encoder=None, objectives=OBJECTIVES, soft_clip=True,
                 ibot_head=None, mae_decoder=None, mlm_decoder=None, text_dist_head=None, clip_loss=None,
                 ibot_loss=None, mae_loss=None, text_dist_loss=None, loss_weights=None,
                 mae_ratio=0.75, init_logit_scale=math.log(1 / 0.07), max_logit_scale=math.log(100),
                 sequential_backward=False, eval_source='teacher', max_nonfinite_steps=10, data_preprocessor=None,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor or dict(type='harmony.PretrainingDataPreprocessor'),
                         init_cfg=init_cfg)
        unknown = set(objectives) - set(OBJECTIVES)
        if unknown or not objectives:
            raise ValueError(f'model.objectives must be a non-empty subset of {OBJECTIVES}, got {list(objectives)} '
                             f'(unknown: {sorted(unknown)})')
        self.objectives = tuple(o for o in OBJECTIVES if o in objectives)
        self.soft_clip = soft_clip and 'clip' in self.objectives
        self.loss_weights = dict(loss_weights or {})
        computed = [name for objective in self.objectives for name in LOSS_NAMES[objective]]
        unknown_weights = set(self.loss_weights) - set(computed)
        if unknown_weights:
            raise KeyError(f'loss_weights names {sorted(unknown_weights)}, which this model does not compute '
                           f'(it computes {computed})')
        self.sequential_backward = sequential_backward
        self.nonfinite_guard = NonFiniteGuard({name: objective for objective in self.objectives
                                               for name in LOSS_NAMES[objective]}, max_nonfinite_steps)
        self.optimizer_stepped = True  # set by each training step; the schedule hook moves the teachers after one
        if eval_source not in ('teacher', 'student'):
            raise ValueError(f"eval_source must be 'teacher' or 'student', got {eval_source!r}")
        self.eval_source = eval_source
        self.zero_shot_classifier = None  # [D, K], set by ZeroShotHook before each evaluation
        self.max_logit_scale, self.mae_ratio = max_logit_scale, mae_ratio
        uses_text = bool({'clip', 'mlm', 'text_dist'} & set(self.objectives))
        if uses_text and text_encoder is None:
            raise ValueError(f'objectives {self.objectives} need a text_encoder config')

        vit_cfg = dict(backbone, out_type='raw', final_norm=True, mask_token='ibot' in self.objectives)
        self.backbone = HarmonyViT(**vit_cfg)
        dims = self.backbone.embed_dims
        if uses_text:
            self.text_encoder = HarmonyTextEncoder(**text_encoder)
            width = self.text_encoder.width
        if 'clip' in self.objectives:
            self.image_projection = nn.Linear(dims, self.text_encoder.config['embed_dim'], bias=False)
            nn.init.normal_(self.image_projection.weight, std=dims ** -0.5)
            self.logit_scale = nn.Parameter(torch.full((1,), float(init_logit_scale)))  # [1]: FSDP shards no 0-d
            self.clip_loss = SoftCLIPLoss(**(clip_loss or {}))
        if 'ibot' in self.objectives:
            ibot_head = dict(dict(out_dim=8192), **(ibot_head or {}))
            self.ibot_head = ProjectionHead(in_dims=dims, **ibot_head)
            self.ibot_loss = IBOTLoss(out_dim=ibot_head['out_dim'], **(ibot_loss or {}))
        if 'mae' in self.objectives:
            self.mae_decoder = MAEDecoder(in_dims=dims, patch_size=self.backbone.patch_size, **(mae_decoder or {}))
            self.mae_loss = MaskedPixelLoss(patch_size=self.backbone.patch_size, **(mae_loss or {}))
        if 'mlm' in self.objectives:
            self.mlm_decoder = MLMDecoder(width=width, vocab_size=self.text_encoder.vocab_size,
                                          **(mlm_decoder or {}))
            self.mlm_loss = MaskedLanguageModelingLoss()
        if 'text_dist' in self.objectives:
            text_dist_head = dict(dict(out_dim=2048, hidden_dims=1024), **(text_dist_head or {}))
            self.text_dist_head = ProjectionHead(in_dims=width, **text_dist_head)
            self.text_dist_loss = TextDistillationLoss(out_dim=text_dist_head['out_dim'], **(text_dist_loss or {}))

        teacher = {}
        if 'ibot' in self.objectives or self.soft_clip:
            teacher['backbone'] = HarmonyViT(**dict(vit_cfg, drop_path_rate=0.0))  # its mask token stays unused
        if self.soft_clip:
            teacher['image_projection'] = nn.Linear(dims, self.text_encoder.config['embed_dim'], bias=False)
            teacher['text_encoder'] = HarmonyTextEncoder(**text_encoder)
        if 'ibot' in self.objectives:
            teacher['ibot_head'] = ProjectionHead(in_dims=dims, **ibot_head)
        if 'text_dist' in self.objectives:
            teacher.setdefault('text_encoder', HarmonyTextEncoder(**text_encoder))
            teacher['text_dist_head'] = ProjectionHead(in_dims=width, **text_dist_head)
        self.teacher = nn.ModuleDict(teacher)
        self.teacher.requires_grad_(False)

        # Scheduled by HarmonyScheduleHook; these defaults hold when it is absent.
        self.hard_weight = 1.0
        self.teacher_temperature = 0.04
        self.teacher_patch_temperature = 0.04
        self.freeze_last_layer = False

    def frozen_parameters(self):
        """Parameters that this step must leave unchanged: the iBOT head's last layer while `freeze_last_layer`
        is set (DINO/iBOT). `harmony_train_step` zeroes their gradients and restores them after the optimiser
        step (which weight decay would otherwise move); the optimiser still holds a state for them, as FSDP's
        optimiser-state gathering needs."""
        if self.freeze_last_layer and 'ibot' in self.objectives:
            return list(self.ibot_head.last_layer.parameters())
        return []

    # ---------------------------------------------------------------- teachers
    def init_weights(self):
        """Initialise the students, then make every teacher an exact copy of its student."""
        super().init_weights()
        self.sync_teacher()

    @torch.no_grad()
    def sync_teacher(self):
        for name, module in self.teacher.items():
            module.load_state_dict(getattr(self, name).state_dict())

    def update_teacher(self, momentum):
        """teacher = momentum * teacher + (1 - momentum) * student, for every teacher module."""
        for name, module in self.teacher.items():
            ema_update(module, getattr(self, name), momentum)

    def train(self, mode=True):
        """Teachers always run in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    # ---------------------------------------------------------------- forward
    def forward(self, inputs, data_samples=None, mode='loss', teacher_outputs=None, passes=None):
        """mode 'loss' (pre-training losses), 'teacher' (`teacher_outputs`) or 'predict' (zero-shot, retrieval).

        The training step runs the teachers and each student pass through this method (via the DDP/FSDP wrapper),
        so that a sharded model gathers its parameters for every tower it uses."""
        if mode == 'loss':
            return self.loss(inputs, teacher_outputs, passes)
        if mode == 'teacher':
            return self.teacher_outputs(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f"Harmony supports mode='loss', 'teacher' (pre-training) and 'predict' (zero-shot, "
                         f'retrieval), got {mode!r}')

    # ---------------------------------------------------------------- evaluation
    def eval_towers(self):
        """-> (description, backbone, image_projection, text_encoder) that evaluation uses."""
        if 'clip' not in self.objectives:
            raise ValueError(f'zero-shot and retrieval need the CLIP towers; this model trains {self.objectives}')
        if self.eval_source == 'teacher' and 'image_projection' in self.teacher:
            return ('EMA teacher (teacher.backbone, teacher.image_projection, teacher.text_encoder)',
                    self.teacher['backbone'], self.teacher['image_projection'], self.teacher['text_encoder'])
        reason = '' if self.eval_source == 'student' else ', as the teacher has no CLIP towers (soft_clip=False)'
        return (f'student (backbone, image_projection, text_encoder){reason}', self.backbone, self.image_projection,
                self.text_encoder)

    @functools.cached_property
    def tokenizer(self):
        """BPE tokenizer of the text tower (loaded on first use, by evaluation only)."""
        return CaptionTokenizer(self.text_encoder.config['context_length'])

    @torch.no_grad()
    def encode_image(self, images):
        """[B, 3, H, W] normalised -> [B, D] unit-norm embeddings of the evaluated towers."""
        _, backbone, projection, _ = self.eval_towers()
        return F.normalize(projection(backbone.forward_tokens(images)[:, 0]), dim=-1)

    @torch.no_grad()
    def encode_text(self, ids):
        """[N, L] token ids -> [N, D] unit-norm embeddings of the evaluated towers."""
        ids = ids[:, :max(int((ids != 0).sum(dim=1).max()), 1)]  # trim the padding (causal tower, EOT pooling)
        return F.normalize(self.eval_towers()[3](ids)[0], dim=-1)

    def set_zero_shot_classes(self, classnames, templates):
        """Build and cache the zero-shot classifier [D, K] for this evaluation; returns the towers' description."""
        description = self.eval_towers()[0]
        self.zero_shot_classifier = zero_shot_weights(self.encode_text, self.tokenizer, classnames, templates,
                                                      self.logit_scale.device)
        return description

    def predict(self, images, data_samples):
        """Evaluation outputs, set on the data samples:

        - samples with captions (`text`: a list of str; retrieval sets): `image_embedding` [D] and
          `text_embeddings` [T, D];
        - otherwise zero-shot classification: `pred_score` [K] (softmax of 100 x cosine over the classes).
        """
        if data_samples and 'text' in data_samples[0]:
            return self._embed_pairs(images, data_samples)
        if self.zero_shot_classifier is None:
            raise RuntimeError('no zero-shot classifier: add ZeroShotHook to custom_hooks (it builds the class '
                               'prototypes from the prompts before each evaluation)')
        scores = (100.0 * self.encode_image(images) @ self.zero_shot_classifier).softmax(dim=-1)  # [B, K]
        for sample, score in zip(data_samples, scores):
            sample.set_pred_score(score)
        return data_samples

    def _embed_pairs(self, images, data_samples):
        captions = [list(sample.text) if isinstance(sample.text, (list, tuple)) else [sample.text]
                    for sample in data_samples]
        texts = self.encode_text(self.tokenizer([c for sample in captions for c in sample]).to(images.device))
        for sample, image, text in zip(data_samples, self.encode_image(images),
                                       texts.split([len(c) for c in captions])):
            sample.set_field(image, 'image_embedding')
            sample.set_field(text, 'text_embeddings')
        return data_samples

    def train_step(self, data, optim_wrapper):
        """One optimisation step (`harmony_train_step`): a single backward, or one per loss group with
        `sequential_backward`; skipped when a loss is not finite."""
        return harmony_train_step(self, self, data, optim_wrapper)

    def parse_losses(self, losses):
        """-> (sum of the ``loss*`` entries to back-propagate, or None if there are none; {name: detached value}
        of this rank, for `reduce_log_vars`)."""
        terms = [value for name, value in losses.items() if name.startswith('loss')]
        loss = sum(terms[1:], terms[0]) if terms else None
        log_vars = {name: torch.as_tensor(value).detach().float() for name, value in losses.items()}
        if loss is not None:
            log_vars['loss'] = loss.detach().float()
        return loss, log_vars

    @staticmethod
    def reduce_log_vars(log_vars):
        """{name: value} of this rank -> {name: float averaged over ranks}, in one all-reduce: the log shows the
        global batch's losses, and a NaN on any rank reaches all of them (for `NonFiniteGuard`). The values go in
        name order: ranks meet the names in different orders (a loss's first share may come from another pass)."""
        names = sorted(log_vars)
        values = torch.stack([log_vars[name] for name in names])
        _, world_size = world_info()
        if world_size > 1:
            dist.all_reduce(values)
            values = values / world_size
        return dict(zip(names, values.tolist()))

    def running_statistics(self):
        """The loss modules' running centres (restored when a step is skipped)."""
        return [buffer for name in ('ibot_loss', 'text_dist_loss') if hasattr(self, name)
                for buffer in getattr(self, name).buffers()]

    @torch.no_grad()
    def teacher_outputs(self, inputs):
        """Every teacher runs once per step; the result feeds all objectives that need it.

        Returns a dict with, as applicable: ``ibot`` (`IBOTLoss.targets`: probabilities ``cls`` [2B, K] and
        ``patch`` [M, K] at the M masked patches), ``clip_image`` / ``clip_text`` [B, D] (normalised soft-CLIP
        features), ``text_dist`` [M', K'] (probabilities at the masked real caption tokens). The centres of
        iBOT and text distillation move here, after their targets are taken. The prototypes layer of a head is
        linear, so it runs only where a target is needed; the centres' token means come from the mean
        feature.
        """
        out = {}
        if 'backbone' in self.teacher:
            tokens = self.teacher['backbone'].forward_tokens(inputs['global_crops'])  # [2B, 1+N, C]
        if 'text_encoder' in self.teacher:
            text, text_tokens = self.teacher['text_encoder'](inputs['text'])  # [B, D], [B, L, width]
        if 'ibot_head' in self.teacher:
            head = self.teacher['ibot_head']
            features = head.features(tokens)  # [2B, 1+N, bottleneck]
            patches = features[:, 1:]
            out['ibot'] = self.ibot_loss.targets(
                head.last_layer(features[:, 0]), head.last_layer(patches[inputs['ibot_masks']]),
                head.last_layer(patches.mean(dim=1)), self.teacher_temperature, self.teacher_patch_temperature)
        if 'image_projection' in self.teacher:
            batch = self._batch_size(inputs)
            out['clip_image'] = F.normalize(self.teacher['image_projection'](tokens[:batch, 0]), dim=-1)
            out['clip_text'] = F.normalize(text, dim=-1)
        if 'text_dist_head' in self.teacher:
            out['text_dist'] = self._text_dist_targets(inputs, text_tokens)
        return out

    def _text_dist_targets(self, inputs, text_tokens):
        """Teacher probabilities at the masked real caption tokens; the centre moves with the statistic
        `text_dist_loss.center` names (the logits over the real tokens, or the probabilities at every position)."""
        head, valid = self.teacher['text_dist_head'], inputs['text'] != 0
        masked = inputs['mlm_mask'] & valid
        features = head.features(text_tokens)  # [B, L, bottleneck]
        loss, temperature = self.text_dist_loss, self.teacher_patch_temperature
        if loss.center_statistic == 'logits':
            return loss.targets(head.last_layer(features[masked]), temperature,
                                logit_sum=head.last_layer(features[valid].sum(dim=0)), num_tokens=valid.sum())
        context = self.text_encoder.config['context_length']
        if features.shape[1] != context:
            raise ValueError(f"text_dist_loss.center='probabilities' averages over all {context} caption positions, "
                             f'but the captions came trimmed to {features.shape[1]}: set '
                             'data_preprocessor.trim_captions=False')
        logits = head.last_layer(features)  # [B, L, K]
        return loss.targets(logits[masked], temperature, all_logits=logits)

    def student_passes(self, inputs):
        """The student encodings of one step, in order, as (method, kwargs) pairs.

        Every loss is a sum of shares of these passes, and a share depends only on its own pass's encoding
        (and the teachers' targets), so a step may back-propagate each pass before running the next
        (`sequential_backward`): peak memory of one pass, about one global crop's worth of tokens.

        - `_clip_pass`: global crop 1 unmasked and the caption (with the masked caption in the same text-tower
          call, for MLM and text distillation); the same CLS tokens are the iBOT student's for the images whose
          crop-1 mask is empty (their iBOT input is that very crop);
        - `_ibot_global_pass` per global view: the (other) images of that crop with their blockwise masks;
        - `_ibot_local_pass`: the local crops, in chunks of at most one global crop's tokens;
        - `_mae_pass` per global view: the kept 25 % of the patches and the decoder;
        - `_text_pass`, without CLIP: the masked caption (MLM, text distillation).
        """
        passes = [('_clip_pass', {})] if 'clip' in self.objectives else []
        if 'ibot' in self.objectives:
            passes += [('_ibot_global_pass', dict(view=view)) for view in range(NUM_GLOBAL)]
            num_local = self._num_local(inputs)
            if num_local:
                crop_tokens = [crops.shape[-2] * crops.shape[-1] // self.backbone.patch_size ** 2 + 1
                               for crops in (inputs['global_crops'], inputs['local_crops'])]
                chunks = math.ceil(num_local / max(crop_tokens[0] // crop_tokens[1], 1))
                passes += [('_ibot_local_pass', dict(views=views.tolist()))
                           for views in torch.arange(num_local).tensor_split(chunks)]
        if 'mae' in self.objectives:
            passes += [('_mae_pass', dict(view=view)) for view in range(NUM_GLOBAL)]
        if self._trains_text and 'clip' not in self.objectives:
            passes.append(('_text_pass', {}))
        return passes

    @property
    def _trains_text(self):
        return bool({'mlm', 'text_dist'} & set(self.objectives))

    def loss(self, inputs, teacher_outputs=None, passes=None):
        """inputs from PretrainingDataPreprocessor -> dict of weighted losses and log-only scalars.

        Args:
            teacher_outputs: from `teacher_outputs` (computed here when None).
            passes: indices into `student_passes` to run (default: all); each loss is the sum of their shares.
        """
        if teacher_outputs is None:
            teacher_outputs = self.teacher_outputs(inputs)
        student_passes = self.student_passes(inputs)
        losses = {}
        for index in range(len(student_passes)) if passes is None else passes:
            method, kwargs = student_passes[index]
            add_shares(losses, getattr(self, method)(inputs, teacher_outputs, **kwargs))
        for name, weight in self.loss_weights.items():
            if name in losses:
                losses[name] = losses[name] * weight
        if 'ibot' in self.objectives or 'text_dist' in self.objectives:
            losses['teacher_temp'] = torch.tensor(self.teacher_patch_temperature)
        return losses

    @staticmethod
    def _batch_size(inputs):
        return inputs['global_crops'].shape[0] // NUM_GLOBAL

    def _num_local(self, inputs):
        return inputs['local_crops'].shape[0] // self._batch_size(inputs) if 'local_crops' in inputs else 0

    def _ibot_shares(self, inputs, teacher, cls_tokens, views, samples, masked_tokens=None, rows=None,
                     masks=None):
        """iBOT losses of student rows: CLS tokens [R, C] of views `views` [R] of samples `samples` [R]; for
        global rows `rows` [R] (indices into the view-major global batch) also their masked patch tokens
        [M', C] (row-major, as `masks` [R, N] orders them). The head runs once, on all of these."""
        if masked_tokens is not None:
            cls_tokens = torch.cat([cls_tokens, masked_tokens])
        logits = self.ibot_head(cls_tokens)  # [R (+ M'), K]
        num_rows = len(samples)
        shares = dict(loss_ibot_cls=self.ibot_loss.cls_loss(
            logits[:num_rows], teacher['ibot']['cls'], views, samples, NUM_GLOBAL + self._num_local(inputs)))
        if masked_tokens is not None:
            token_rows = inputs['ibot_masks'].nonzero()[:, 0]  # row of each teacher patch target [M]
            teacher_patch = teacher['ibot']['patch'][torch.isin(token_rows, rows)]  # [M', K]
            weights = masked_token_weights(masks, NUM_GLOBAL * self._batch_size(inputs))
            shares['loss_ibot_patch'] = self.ibot_loss.patch_loss(logits[num_rows:], teacher_patch, weights)
        return shares

    def _clip_pass(self, inputs, teacher):
        batch = self._batch_size(inputs)
        crops = inputs['global_crops'][:batch]  # first global crop
        tokens = self.backbone.forward_tokens(crops, queries=self._cls_query(crops))  # CLS only: [B, 1, C]
        image = F.normalize(self.image_projection(tokens[:, 0]), dim=-1)
        captions = inputs['text']
        if self._trains_text:  # the masked caption goes through the text tower in the same call
            captions = torch.cat([captions, inputs['masked_text']])
        text, text_tokens = self.text_encoder(captions)  # [B or 2B, D], [B or 2B, L, width]
        text = F.normalize(text[:batch], dim=-1)
        scale = self.logit_scale if self.max_logit_scale is None else self.logit_scale.clamp(max=self.max_logit_scale)
        scale = scale.exp().squeeze(0)
        hard_weight = self.hard_weight if self.soft_clip else 1.0
        loss = self.clip_loss(image, text, scale, hard_weight, teacher.get('clip_image'), teacher.get('clip_text'))
        losses = dict(loss_clip=loss, logit_scale=scale.detach(), hard_weight=torch.tensor(hard_weight))
        if 'ibot' in self.objectives:
            samples = (~inputs['ibot_masks'][:batch].any(dim=1)).nonzero()[:, 0]  # crop 1 drawn without a mask
            if len(samples):
                losses.update(self._ibot_shares(inputs, teacher, tokens[samples, 0], torch.zeros_like(samples),
                                                samples))
        if self._trains_text:
            losses.update(self._text_losses(inputs, teacher, text_tokens[batch:]))
        return losses

    def _ibot_global_pass(self, inputs, teacher, view):
        batch = self._batch_size(inputs)
        samples = torch.arange(batch, device=inputs['global_crops'].device)
        if view == 0 and 'clip' in self.objectives:
            samples = inputs['ibot_masks'][:batch].any(dim=1).nonzero()[:, 0]  # the others came with CLIP
            if not len(samples):
                return {}
        rows, masks = view * batch + samples, inputs['ibot_masks'][view * batch + samples]
        # the outputs read: CLS and the masked patches (sorted first, then unmasked ones as padding)
        counts = masks.sum(dim=1)
        order = torch.argsort((~masks).to(torch.uint8), dim=1, stable=True)[:, :int(counts.max())]
        queries = torch.cat([self._cls_query(masks), order + 1], dim=1)  # [R, 1 + max masked]
        tokens = self.backbone.forward_tokens(inputs['global_crops'][rows], masks, queries)
        read = torch.arange(order.shape[1], device=order.device) < counts[:, None]  # [R, max masked]
        return self._ibot_shares(inputs, teacher, tokens[:, 0], torch.full_like(samples, view), samples,
                                 tokens[:, 1:][read], rows, masks)

    def _ibot_local_pass(self, inputs, teacher, views):
        batch = self._batch_size(inputs)
        crops = inputs['local_crops'][views[0] * batch:(views[-1] + 1) * batch]  # view-major
        cls_tokens = self.backbone.forward_tokens(crops, queries=self._cls_query(crops))[:, 0]  # [V*B, C]
        samples = torch.arange(batch, device=crops.device).repeat(len(views))
        view_ids = (NUM_GLOBAL + torch.tensor(views, device=crops.device)).repeat_interleave(batch)
        return self._ibot_shares(inputs, teacher, cls_tokens, view_ids, samples)

    @staticmethod
    def _cls_query(crops):
        return torch.zeros(crops.shape[0], 1, dtype=torch.long, device=crops.device)  # [B, 1]: position 0

    def _mae_pass(self, inputs, teacher, view):
        batch = self._batch_size(inputs)
        rows = slice(view * batch, (view + 1) * batch)
        crops, shuffle, restore = (inputs[key][rows] for key in ('global_crops', 'mae_shuffle', 'mae_restore'))
        num_keep = int(round(shuffle.shape[1] * (1 - self.mae_ratio)))
        visible = self.backbone.forward_visible(crops, shuffle[:, :num_keep])
        grid = (crops.shape[-2] // self.backbone.patch_size, crops.shape[-1] // self.backbone.patch_size)
        removed = shuffle[:, num_keep:]  # [B, N - K]: the patches to reconstruct
        pred = self.mae_decoder(visible, restore, grid, predict=removed)
        # every image has the same number of removed patches: the mean over views is the mean over all patches
        return dict(loss_mae=self.mae_loss(pred, crops, removed) / NUM_GLOBAL)

    def _text_pass(self, inputs, teacher):
        return self._text_losses(inputs, teacher, self.text_encoder(inputs['masked_text'])[1])

    def _text_losses(self, inputs, teacher, tokens):
        """MLM and text distillation from the text tower's tokens [B, L, width] of the masked caption."""
        losses = {}
        valid = inputs['text'] != 0
        if 'mlm' in self.objectives:
            logits = self.mlm_decoder(tokens, inputs['mlm_mask'], valid)
            losses['loss_mlm'] = self.mlm_loss(logits, inputs['text'], inputs['mlm_mask'])
        if 'text_dist' in self.objectives:
            masked = inputs['mlm_mask'] & valid
            losses['loss_text_dist'] = self.text_dist_loss(
                self.text_dist_head(tokens[masked]), teacher['text_dist'],
                masked_token_weights(masked, tokens.shape[0]))
        return losses
