# Reference-exact Harmony, ViT-S/16 on CC3M: every convention of the authors' code (github MohammedSB/Harmony,
# 848f7ac) and its published command line, on top of the default recipe (which already follows it in the loss
# weights, warm-ups, text towers and heads). Use it to compare with the authors' runs or to continue from their
# checkpoints (tools/model_converters/reference2harmony.py); docs/en/reference_differences.md lists each switch.
#   tools/dist_train.sh configs/harmony/reference/vits16_cc3m_reference.py 8
_base_ = '../vits16_cc3m.py'
model = dict(
    backbone=dict(interpolate_offset=0.1),  # local crops' position embeddings resized by DINO's scale factors
    objectives=dict(
        # the MAE decoder's position embedding is never initialised (zeros)
        mae=dict(decoder=dict(pos_embed='zeros', norm_eps=1e-5)),
        # the text-distillation centre: mean teacher probabilities over all 77 positions
        text_dist=dict(loss=dict(center='probabilities')),
        clip=dict(max_logit_scale=None)),  # never clamped (weight decay holds it back)
    data_preprocessor=dict(type='harmony.PretrainingDataPreprocessor', trim_captions=False))
# Gradients clipped to norm 3 one tensor at a time, of the image student only (ViT with its CLIP projection, iBOT
# head); AdamW decays every tensor of two or more dimensions: position embeddings, CLS and mask tokens, the logit
# scale.
optim_wrapper = dict(
    constructor='PerParameterClipOptimWrapperConstructor',
    clip_prefixes=('backbone.', 'image_projection.', 'ibot_head.'),
    paramwise_cfg=dict(_delete_=True, norm_decay_mult=0.0, bias_decay_mult=0.0))
# MLM: each real caption token masked with probability 0.2 on its own (a caption may have none masked).
train_pipeline = [
    dict(type='MultiCrop', global_size=224, local_size=96, num_local=8, global_scale=(0.4, 1.0),
         local_scale=(0.05, 0.4)),
    dict(type='BlockwiseMasks', patch_size=16, ratio_range=(0.1, 0.5), mask_probability=0.5, min_block=16),
    dict(type='PatchShuffle', patch_size=16),
    dict(type='TokenizeCaption', context_length=77, mlm_ratio=0.2, mlm_masking='bernoulli'),
    dict(type='PackPretrainingInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
