# CC12M as WebDataset tar shards written by img2dataset (data/cc12m/00000.tar ...); same pipeline as CC3M.
_base_ = 'cc3m.py'
data_root = 'data/cc12m'
train_dataloader = dict(dataset=dict(data_root=data_root, shards='{00000..01242}.tar', num_samples=10_000_000))
