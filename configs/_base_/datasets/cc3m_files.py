# CC3M in img2dataset's "files" layout (data/cc3m/<shard>/<key>.jpg + .txt), listed by data/cc3m/index.txt
# (`python tools/data/build_index.py data/cc3m`, once); mid-epoch resume continues where the run stopped.
_base_ = 'cc3m.py'
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ResumableSampler', shuffle=True),
    dataset=dict(_delete_=True, type='Img2DatasetFolder', data_root={{_base_.data_root}}, index_file='index.txt',
                 pipeline={{_base_.train_pipeline}}))
