# The paper's ADE20K protocol for ViT-S/16 (the reference code's iBOT recipe: iBOT README's ViT-S command): the
# final LayerNorm on every pyramid input (out_with_norm), 384 decode channels, AdamW lr 3e-5 with layer decay 0.9,
# 4 GPUs x 4 images; the rest as the base config (1500 warm-up iterations then poly, 160k iterations, slide test).
#   tools/dist_train.sh configs/benchmarks/mmseg/upernet_harmony-vits16_4xb4-160k_ade20k-512x512_paper.py 4 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './upernet_harmony-vits16_8xb2-160k_ade20k-512x512.py'
model = dict(backbone=dict(out_with_norm=True), decode_head=dict(channels=384))
optim_wrapper = dict(optimizer=dict(lr=3e-5), paramwise_cfg=dict(layer_decay_rate=0.9))
train_dataloader = dict(batch_size=4)
