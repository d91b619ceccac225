"""Shrinking a downstream config's model for CPU tests: a 4-block 32-d backbone and necks and heads to match."""


def shrink_downstream_model(cfg):
    """Edit `cfg.model` in place: HarmonyViT of 4 blocks x 32 dims (outputs 0-3, no pre-trained weights), and the
    classifier head, pyramid + FPN, or UperNet heads sized for it."""
    cfg.model.backbone.update(arch=dict(embed_dims=32, num_layers=4, num_heads=2), out_indices=[0, 1, 2, 3],
                              init_cfg=None)
    if cfg.default_scope == 'mmpretrain':  # a classifier on the CLS token, or on CLS and mean patch token
        if cfg.model.backbone.get('frozen_stages', -1) > 0:
            cfg.model.backbone.frozen_stages = 4
        cfg.model.head.in_channels = 64 if cfg.model.backbone.out_type == 'cls_patch_mean' else 32
    elif isinstance(cfg.model.neck, list):  # deconv pyramid -> FPN
        cfg.model.neck[0].embed_dims, cfg.model.neck[1].in_channels = 32, [32] * 4
    else:
        cfg.model.neck.embed_dims = 32
        cfg.model.decode_head.update(in_channels=[32] * 4, channels=16)
        cfg.model.auxiliary_head.update(in_channels=32, channels=16)
