# CC3M listed in a TSV (open_clip's convention: columns `filepath` and `title`, paths relative to data_root).
_base_ = 'cc3m.py'
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ResumableSampler', shuffle=True),
    dataset=dict(_delete_=True, type='ImageTextCsv', data_root={{_base_.data_root}}, ann_file='cc3m_train.tsv',
                 image_key='filepath', caption_keys=('title', ), pipeline={{_base_.train_pipeline}}))
