# CC3M image-text pairs as WebDataset tar shards, as img2dataset writes them (data/cc3m/00000.tar ...; see
# tools/data/README.md), multi-crop DINO augmentation, iBOT blockwise masks, MAE patch order and tokenised captions
# with MLM masks, all made in the data workers (crop scales and smallest mask block as the reference code's); the
# workers only draw the colour jitter, grey, blur and solarisation of each crop, which the data preprocessor
# applies batched on the GPU (photometric='device'; 'worker' applies them in the workers, ~3x slower per worker).
# Variants: cc3m_files.py (img2dataset "files" folders), cc3m_csv.py (a TSV of paths and captions).
data_root = 'data/cc3m'
patch_size = 16
train_pipeline = [
    dict(type='MultiCrop', global_size=224, local_size=96, num_local=8, global_scale=(0.4, 1.0),
         local_scale=(0.05, 0.4), photometric='device'),
    dict(type='BlockwiseMasks', patch_size=patch_size, ratio_range=(0.1, 0.5), mask_probability=0.5, min_block=16),
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
    sampler=None,  # the shards are split over ranks and workers by the dataset itself
    collate_fn=dict(type='harmony.collate_pretraining'),  # PretrainingSample -> PretrainingBatch, view-major
    dataset=dict(
        type='ImageTextShards',
        data_root=data_root,
        shards='{00000..00331}.tar',  # img2dataset's default of 10,000 URLs per shard over CC3M's 3.3 M URLs
        num_samples=2_900_000,  # set to the successes img2dataset reports for your download
        shuffle_buffer=5000,
        pipeline=train_pipeline),
)
