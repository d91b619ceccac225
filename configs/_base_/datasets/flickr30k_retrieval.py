# Flickr30k 1k test split (Karpathy's dataset_flickr30k.json, images in data/flickr30k/flickr30k-images), CLIP's
# preprocessing at 224 px; R@1/5/10 image->text and text->image.
retrieval_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=224, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='mmpretrain.PackInputs', algorithm_keys=['text']),
]
test_dataloader = dict(
    batch_size=64,
    num_workers=8,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='KarpathyCaptions', data_root='data/flickr30k', data_prefix='flickr30k-images',
                 ann_file='dataset_flickr30k.json', pipeline=retrieval_pipeline))
test_evaluator = dict(type='ImageTextRetrieval', ks=(1, 5, 10))
test_cfg = dict(type='TestLoop')
