# YFCC15M in img2dataset's "files" layout; the caption is the title or the description of each sample's .json (a
# random non-empty one), listed by data/yfcc15m/index.txt (`tools/data/build_index.py data/yfcc15m --json-captions`).
_base_ = 'yfcc15m.py'
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ResumableSampler', shuffle=True),
    dataset=dict(_delete_=True, type='Img2DatasetFolder', data_root={{_base_.data_root}}, index_file='index.txt',
                 caption_keys=('title', 'description'), pipeline={{_base_.train_pipeline}}))
