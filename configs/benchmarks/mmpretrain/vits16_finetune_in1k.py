# ImageNet-1k fine-tuning of a Harmony ViT-S/16 (MAE/BEiT protocol): 100 epochs, batch 8x128, AdamW with layer
# decay 0.65, RandAugment, mixup/cutmix, label smoothing, random erasing; CLS token with the final norm.
# Pretrained weights: --cfg-options model.backbone.init_cfg.checkpoint=PATH.
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py'
custom_imports = dict(imports=['harmony'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        _delete_=True,
        type='harmony.HarmonyViT',
        arch='small',
        img_size=224,
        patch_size=16,
        out_type='cls_token',
        drop_path_rate=0.1,
        init_cfg=dict(type='Pretrained', checkpoint=None)),
    head=dict(in_channels=384))
optim_wrapper = dict(
    constructor='harmony.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(_delete_=True, layer_decay_rate=0.65))
