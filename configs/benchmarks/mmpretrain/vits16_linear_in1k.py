# ImageNet-1k linear probe of a frozen Harmony ViT-S/16 on the CLS token concatenated with the mean patch token
# (the iBOT/DINO protocol): MAE's linear recipe (90 epochs, LARS, BN before the linear layer).
# Pretrained weights: --cfg-options model.backbone.init_cfg.checkpoint=PATH.
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py'
custom_imports = dict(imports=['harmony'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        _delete_=True,
        type='harmony.HarmonyViT',
        arch='small',
        img_size=224,
        patch_size=16,
        out_type='cls_patch_mean',
        frozen_stages=12,
        init_cfg=dict(type='Pretrained', checkpoint=None)),
    neck=dict(input_features=768),
    head=dict(in_channels=768))
