# YFCC15M (the CLIP subset) as WebDataset tar shards written by img2dataset (data/yfcc15m/00000.tar ...). Each
# sample's caption is its title or its description, a random non-empty one per read (the `json` member).
_base_ = 'cc3m.py'
data_root = 'data/yfcc15m'
train_dataloader = dict(dataset=dict(data_root=data_root, shards='{00000..01499}.tar', num_samples=14_800_000,
                                     caption_keys=('title', 'description')))
