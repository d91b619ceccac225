# As the ViT-S/16 config, with a ViT-B/16 backbone and layer decay 0.65.
_base_ = './upernet_harmony-vits16_8xb2-160k_ade20k-512x512.py'
embed_dims = 768
model = dict(
    backbone=dict(arch='base'),
    neck=dict(embed_dims=embed_dims),
    decode_head=dict(in_channels=[embed_dims] * 4, channels=768),
    auxiliary_head=dict(in_channels=embed_dims))
optim_wrapper = dict(paramwise_cfg=dict(layer_decay_rate=0.65))
