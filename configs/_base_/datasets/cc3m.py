# CC3M image-text pairs in img2dataset's "files" layout (data/cc3m/<shard>/<key>.jpg + .txt), multi-crop DINO
# augmentation, iBOT blockwise masks, MAE patch order and tokenised captions with MLM masks, made in the workers.
data_root = 'data/cc3m'
patch_size = 16
train_pipeline = [
    dict(type='LoadImageRGB'),
    dict(type='MultiCrop', global_size=224, local_size=96, num_local=8),
    dict(type='BlockwiseMasks', patch_size=patch_size, ratio_range=(0.1, 0.5), mask_probability=0.5),
    dict(type='PatchShuffle', patch_size=patch_size),
    dict(type='TokenizeCaption', context_length=77, mlm_ratio=0.2),
    dict(type='PackPretrainingInputs'),
]
train_dataloader = dict(
    batch_size=96,
    num_workers=10,
    persistent_workers=True,
    pin_memory=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(type='Img2DatasetFolder', data_root=data_root, pipeline=train_pipeline),
)
