# CC12M listed in a TSV (columns `filepath` and `title`, paths relative to data_root).
_base_ = 'cc12m.py'
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ResumableSampler', shuffle=True),
    dataset=dict(_delete_=True, type='ImageTextCsv', data_root={{_base_.data_root}}, ann_file='cc12m_train.tsv',
                 image_key='filepath', caption_keys=('title', ), pipeline={{_base_.train_pipeline}}))
