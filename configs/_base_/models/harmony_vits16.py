# Harmony with a ViT-S/16 image tower and CLIP's text tower (width 512, 12 layers, context 77), all five objectives.
# The reference's recipe (docs/en/reference_differences.md lists every choice): iBOT's CLS and patch terms weighted
# 0.5 each, the two global crops' MAE losses summed, QuickGELU text towers whose pre-LayerNorm tokens feed the MLM
# decoder (causal, QuickGELU) and the 2-layer text-distillation head; kept fixes: the MAE decoder's sin-cos
# position embedding, the text-distillation centre of logits over real tokens, the clamped logit scale.
# An ablation leaves objectives out by setting them to None, e.g. model=dict(objectives=dict(mae=None)).
model = dict(
    type='Harmony',
    backbone=dict(arch='small', img_size=224, patch_size=16, drop_path_rate=0.1),
    text_encoder=dict(context_length=77, vocab_size=49409, width=512, heads=8, layers=12, embed_dim=512,
                      act='quick_gelu', token_features='pre_norm'),
    objectives=dict(
        clip=dict(type='CLIPObjective', soft_targets=True, loss=dict(type='SoftCLIPLoss', teacher_temperature=0.1)),
        ibot=dict(type='IBOTObjective',
                  head=dict(type='ProjectionHead', out_dim=8192, hidden_dims=2048, bottleneck_dims=256),
                  loss=dict(type='IBOTLoss', student_temperature=0.1, center_momentum=0.9, cls_weight=0.5,
                            patch_weight=0.5)),
        mae=dict(type='MAEObjective', mask_ratio=0.75,
                 decoder=dict(type='MAEDecoder', dims=512, depth=8, num_heads=16),
                 # the two global crops' losses summed (2 x their mean)
                 loss=dict(type='MaskedPixelLoss', norm_pix=True, loss_weight=2.0)),
        mlm=dict(type='MLMObjective',
                 decoder=dict(type='MLMDecoder', depth=4, num_heads=8, causal=True, act='quick_gelu', norm_eps=1e-5)),
        text_dist=dict(type='TextDistillationObjective',
                       head=dict(type='ProjectionHead', out_dim=2048, hidden_dims=1024, bottleneck_dims=256,
                                 num_layers=2),
                       loss=dict(type='TextDistillationLoss', student_temperature=0.1, center_momentum=0.9)),
    ),
    # Back-propagate each student pass right after its forward: the same gradients and, measured on CPU, the same
    # step time, with the peak memory of one pass (ViT-S/16, batch 8: 4.4 GB instead of 7.0 GB). Under DDP the
    # gradients are then all-reduced during the last pass's backward only; False overlaps them with all of it.
    sequential_backward=True,
)
# DDP wrapper that knows the sequential-backward step (a plain DDP step otherwise). The Runner looks wrapper types
# up in mmengine's root registry: the scope prefix is needed.
model_wrapper_cfg = dict(type='harmony.HarmonyDistributedDataParallel', broadcast_buffers=False)
