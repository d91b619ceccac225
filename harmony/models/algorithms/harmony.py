"""Harmony: CLIP with soft targets + iBOT + MAE + MLM + text self-distillation, with EMA teachers."""
import copy
import functools

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model import BaseModel
from mmengine.registry import DefaultScope

from harmony.registry import MODELS
from harmony.utils.tokenizer import CaptionTokenizer
from ..objectives import TeacherFeatures
from ..utils import ema_update
from ..utils.init_report import summarise_init_info
from .clip_evaluation import zero_shot_weights
from .nonfinite_guard import NonFiniteGuard
from .schedule import ScheduledValues
from .student_passes import plan_student_passes
from .train_step import add_shares, harmony_train_step


@MODELS.register_module()
class Harmony(BaseModel):
    """The Harmony pre-training algorithm: a ViT and a text tower trained by any set of objectives
    (`harmony.models.objectives`), with EMA teachers.

    A step (`harmony_train_step`): the EMA teachers run once (`teacher_targets`) and each objective takes its
    targets from their outputs; the students run as a plan of passes (`student_passes`), each encoding computed
    once and turned into loss shares by every objective that consumes it; the summed losses are back-propagated
    (after each pass with `sequential_backward`), the optimiser steps and the teachers move (`update_teacher`).
    Losses are returned separately (``loss_clip``, ``loss_ibot_cls``, ...) with each objective's log-only values;
    the logged values are averaged over ranks. A step whose loss is not finite changes nothing.

    Student modules (checkpoint keys): ``backbone`` (HarmonyViT), ``text_encoder`` (when an objective reads text)
    and the objectives' own (``image_projection``, ``logit_scale``, ``ibot_head``, ``mae_decoder``, ``mlm_decoder``,
    ``text_dist_head`` and their losses' centres). The EMA teacher under ``teacher.`` copies the student modules
    that the objectives name, after weight initialisation.

    Args:
        backbone: image tower config (type HarmonyViT by default; another class needs its `forward_tokens`,
            `forward_visible` and mask-token arguments).
        text_encoder: text tower config (type HarmonyTextEncoder by default; its ``embed_dim`` is the CLIP embedding
            size).
        objectives: {name: objective config or None}; None leaves an objective of a base config out.
        loss_weights: multiplier per loss name (default 1).
        sequential_backward: back-propagate each student pass right after its forward, freeing its activations
            before the next pass runs (DDP gradient sync only on the last): the same gradients as one backward of
            the summed loss, with the peak memory of the largest pass (about one global crop's worth of tokens).
            Distributed runs need ``model_wrapper_cfg=dict(type='harmony.HarmonyDistributedDataParallel')``.
        max_nonfinite_steps: stop the run after this many consecutive steps with a non-finite loss (each of
            them is skipped and logged with its objective).
        eval_source: 'teacher' (default) or 'student': the towers that zero-shot and retrieval evaluate (the
            student's when the teacher has no CLIP towers, i.e. without soft CLIP targets; always logged).
    """

    def __init__(self, backbone, objectives, text_encoder=None, loss_weights=None, sequential_backward=False,
                 eval_source='teacher', max_nonfinite_steps=10, data_preprocessor=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor or dict(type='harmony.PretrainingDataPreprocessor'),
                         init_cfg=init_cfg)
        if not isinstance(objectives, dict):
            raise TypeError(f'model.objectives must be a dict {{name: objective config, or None to leave it out}}, '
                            f'got {objectives!r}; e.g. model.objectives.mae=None trains without MAE')
        with DefaultScope.overwrite_default_scope('harmony'):
            self.objectives = {name: MODELS.build(cfg) for name, cfg in objectives.items() if cfg is not None}
        if not self.objectives:
            raise ValueError(f'model.objectives configures no objective: {objectives}')
        left_out = sorted(name for name, cfg in objectives.items() if cfg is None)
        print_log(f"Harmony objectives: {', '.join(self.objectives)}"
                  + (f" (left out: {', '.join(left_out)})" if left_out else ''), logger='current')
        loss_objectives = {loss: name for name, objective in self.objectives.items() for loss in objective.loss_names}
        self.loss_weights = dict(loss_weights or {})
        unknown = set(self.loss_weights) - set(loss_objectives)
        if unknown:
            raise KeyError(f'loss_weights names {sorted(unknown)}, which this model does not compute '
                           f'(it computes {sorted(loss_objectives)})')
        if eval_source not in ('teacher', 'student'):
            raise ValueError(f"eval_source must be 'teacher' or 'student', got {eval_source!r}")
        self.sequential_backward, self.eval_source = sequential_backward, eval_source
        self.nonfinite_guard = NonFiniteGuard(loss_objectives, max_nonfinite_steps)
        self.schedule = ScheduledValues()
        self.zero_shot_classifier = None  # [D, K], set by ZeroShotHook before each evaluation

        with DefaultScope.overwrite_default_scope('harmony'):
            self.backbone = MODELS.build(dict(dict(type='HarmonyViT'), **dict(
                backbone, out_type='raw', final_norm=True, mask_token=self._any('needs_mask_token'))))
            if self._any('needs_text_tower'):
                if text_encoder is None:
                    raise ValueError(f'objectives {sorted(self.objectives)} need a text_encoder config')
                self.text_encoder = MODELS.build(dict(dict(type='HarmonyTextEncoder'), **text_encoder))
            for objective in self.objectives.values():
                for name, module in objective.build(self).items():
                    setattr(self, name, module)
        teacher_names = dict.fromkeys(name for objective in self.objectives.values()
                                      for name in objective.teacher_modules())
        self.teacher = nn.ModuleDict({name: copy.deepcopy(getattr(self, name)) for name in teacher_names})
        self.teacher.requires_grad_(False).eval()  # always in eval mode (`train`): no drop path

    _dump_init_info = summarise_init_info  # one log line, not three per parameter tensor (mmengine's)

    def _any(self, flag):
        return any(getattr(objective, flag) for objective in self.objectives.values())

    # ---------------------------------------------------------------- schedule, teachers
    def set_schedule(self, values):
        """The scheduled values (`ScheduledValues`) of the coming step."""
        self.schedule = values

    def frozen_parameters(self):
        """Parameters that this step must leave unchanged (e.g. the iBOT head's last layer in the first epoch)."""
        return [param for objective in self.objectives.values() for param in objective.frozen_parameters(self)]

    def running_statistics(self):
        """The objectives' running centres (restored when a step is skipped)."""
        return [buffer for objective in self.objectives.values() for buffer in objective.running_statistics(self)]

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

    # ---------------------------------------------------------------- pre-training
    def forward(self, inputs, data_samples=None, mode='loss', teacher_targets=None, passes=None):
        """mode 'loss' (pre-training losses), 'teacher' (`teacher_targets`) or 'predict' (zero-shot, retrieval).

        The training step runs the teachers and each student pass through this method (via the DDP/FSDP wrapper),
        so that a sharded model gathers its parameters for every tower it uses."""
        if mode == 'loss':
            return self.loss(inputs, teacher_targets, passes)
        if mode == 'teacher':
            return self.teacher_targets(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f"Harmony supports mode='loss', 'teacher' (pre-training) and 'predict' (zero-shot, "
                         f'retrieval), got {mode!r}')

    @torch.no_grad()
    def teacher_targets(self, batch):
        """Each teacher tower runs once on the `PretrainingBatch`; -> {objective name: its targets}. The centres of
        iBOT and text distillation move here, after their targets are taken."""
        features = TeacherFeatures()
        if 'backbone' in self.teacher:
            features.global_tokens = self.teacher['backbone'].forward_tokens(batch.global_crops)  # [G*B, 1+N, C]
        if 'text_encoder' in self.teacher:
            features.text_embedding, features.text_tokens = self.teacher['text_encoder'](batch.text)
        return {name: objective.targets(self, batch, features) for name, objective in self.objectives.items()}

    def student_passes(self, batch):
        """The student passes of one step, in order (`plan_student_passes`, then the objectives' own)."""
        plan = plan_student_passes(self.objectives.values(), batch, self.backbone.patch_size)
        return plan + [step for objective in self.objectives.values() for step in objective.student_passes(self, batch)]

    def loss(self, batch, teacher_targets=None, passes=None):
        """`PretrainingBatch` -> dict of weighted losses and log-only scalars.

        Args:
            teacher_targets: from `teacher_targets` (computed here when None).
            passes: indices into `student_passes` to run (default: all); each loss is the sum of their shares.
        """
        if teacher_targets is None:
            teacher_targets = self.teacher_targets(batch)
        plan = self.student_passes(batch)
        losses = {}
        for index in range(len(plan)) if passes is None else passes:
            for encoding in plan[index].encode(self, batch):
                for name, objective in self.objectives.items():
                    if isinstance(encoding, objective.consumes):
                        add_shares(losses, objective.shares(self, encoding, batch, teacher_targets[name]))
        for name, weight in self.loss_weights.items():
            if name in losses:
                losses[name] = losses[name] * weight
        for objective in self.objectives.values():
            losses.update(objective.log_values(self))
        return losses

    def train_step(self, data, optim_wrapper):
        """One optimisation step (`harmony_train_step`)."""
        return harmony_train_step(self, self, data, optim_wrapper)

    # ---------------------------------------------------------------- evaluation
    def eval_towers(self):
        """-> (description, backbone, image_projection, text_encoder) that evaluation uses."""
        if not hasattr(self, 'image_projection'):
            raise ValueError('zero-shot and retrieval need the CLIP towers; this model trains '
                             f'{sorted(self.objectives)}')
        if self.eval_source == 'teacher' and 'image_projection' in self.teacher:
            return ('EMA teacher (teacher.backbone, teacher.image_projection, teacher.text_encoder)',
                    self.teacher['backbone'], self.teacher['image_projection'], self.teacher['text_encoder'])
        reason = '' if self.eval_source == 'student' else ', as the teacher has no CLIP towers (soft_targets=False)'
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
