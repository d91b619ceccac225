# Reference-exact Harmony, ViT-S/16 on CC3M: every convention of the authors' code (github MohammedSB/Harmony,
# 848f7ac) and its published command line, on top of the default recipe (which already follows it in the loss
# weights, warm-ups, text towers and heads). Use it to compare with the authors' runs or to continue from their
# checkpoints (tools/model_converters/reference2harmony.py); docs/en/reference_differences.md lists each switch.
#   tools/dist_train.sh configs/harmony/reference/vits16_cc3m_reference.py 8
_base_ = '../vits16_cc3m.py'
model = dict(
    backbone=dict(interpolate_offset=0.1),  # local crops' position embeddings resized by DINO's scale factors
    mae_decoder=dict(pos_embed='zeros', norm_eps=1e-5),  # its decoder position embedding is never initialised
    text_dist_loss=dict(center='probabilities'),  # centre: mean teacher probabilities over all 77 positions
    max_logit_scale=None,  # never clamped (weight decay holds it back)
    data_preprocessor=dict(type='harmony.PretrainingDataPreprocessor', trim_captions=False))
# AdamW decays every tensor of two or more dimensions: position embeddings, CLS and mask tokens, the logit scale.
optim_wrapper = dict(paramwise_cfg=dict(_delete_=True, norm_decay_mult=0.0, bias_decay_mult=0.0))
