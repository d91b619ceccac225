# Harmony ViT-S/16 pieces shared by the dense-task configs (UperNet, Mask R-CNN, Cascade Mask R-CNN), taken
# with {{_base_.harmony_backbone}} etc.; the names do not collide with the upstream bases.
custom_imports = dict(imports=['harmony'], allow_failed_imports=False)
harmony_embed_dims = 384
harmony_backbone = dict(
    _delete_=True,
    type='harmony.HarmonyViT',
    arch='small',
    img_size=224,
    patch_size=16,
    out_indices=[3, 5, 7, 11],
    out_type='featmap',
    final_norm=False,
    drop_path_rate=0.1,
    init_cfg=dict(type='Pretrained', checkpoint=None))
harmony_neck = [
    dict(type='harmony.ViTFeaturePyramid', embed_dims=harmony_embed_dims, norm='SyncBN'),
    dict(type='FPN', in_channels=[harmony_embed_dims] * 4, out_channels=256, num_outs=5),
]
harmony_optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='harmony.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.75))
