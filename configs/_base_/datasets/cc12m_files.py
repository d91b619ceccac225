# CC12M in img2dataset's "files" layout (data/cc12m/<shard>/<key>.jpg + .txt), listed by data/cc12m/index.txt.
_base_ = 'cc12m.py'
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ResumableSampler', shuffle=True),
    dataset=dict(_delete_=True, type='Img2DatasetFolder', data_root={{_base_.data_root}}, index_file='index.txt',
                 pipeline={{_base_.train_pipeline}}))
