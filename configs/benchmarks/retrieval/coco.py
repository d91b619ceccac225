# Zero-shot image-text retrieval on the COCO 5k test split (Karpathy's dataset_coco.json; each image's `filepath`,
# val2014, leads to it), same reader and metric as Flickr30k.
_base_ = 'flickr30k.py'
test_dataloader = dict(dataset=dict(data_root='data/coco', data_prefix='', ann_file='dataset_coco.json'))
