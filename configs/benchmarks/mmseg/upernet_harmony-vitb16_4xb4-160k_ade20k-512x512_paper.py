# The paper's ADE20K protocol for ViT-B/16 (the Harmony reference README's command: 4 GPUs x 4 images,
# out_with_norm, lr 8e-4, on its vit_base_512_ade20k_160k config, layer decay 0.65; its config file says 7e-4, the
# command wins). 768 decode channels as that config.
#   tools/dist_train.sh configs/benchmarks/mmseg/upernet_harmony-vitb16_4xb4-160k_ade20k-512x512_paper.py 4 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './upernet_harmony-vitb16_8xb2-160k_ade20k-512x512.py'
model = dict(backbone=dict(out_with_norm=True))
optim_wrapper = dict(optimizer=dict(lr=8e-4), paramwise_cfg=dict(layer_decay_rate=0.65))
train_dataloader = dict(batch_size=4)
