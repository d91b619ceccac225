# Harmony ViT-B/16 pieces shared by the ViT-B dense-task configs (on top of a ViT-S/16 one): the base image tower
# and its pyramid neck (768 channels into the FPN).
harmony_vitb16_embed_dims = 768
harmony_vitb16_neck = [
    dict(type='harmony.ViTFeaturePyramid', embed_dims=harmony_vitb16_embed_dims, norm='SyncBN'),
    dict(type='FPN', in_channels=[harmony_vitb16_embed_dims] * 4, out_channels=256, num_outs=5),
]
