# YFCC15M listed in a TSV with `filepath`, `title` and `description` columns (a random non-empty caption of the two).
_base_ = 'yfcc15m.py'
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ResumableSampler', shuffle=True),
    dataset=dict(_delete_=True, type='ImageTextCsv', data_root={{_base_.data_root}}, ann_file='yfcc15m_train.tsv',
                 image_key='filepath', caption_keys=('title', 'description'), pipeline={{_base_.train_pipeline}}))
