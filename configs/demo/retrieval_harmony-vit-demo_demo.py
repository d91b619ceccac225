# Image-text retrieval on the demo caption set (data/demo/retrieval: 200 images x 3 captions, Karpathy's JSON) at
# 64 px with the towers of a demo pre-training checkpoint (EMA teacher); R@1/5/10 in both directions:
#   python tools/test.py configs/demo/retrieval_harmony-vit-demo_demo.py work_dirs/demo/pretrain/epoch_2.pth
_base_ = 'harmony_vit-demo_demo-pretrain.py'
retrieval_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmpretrain.ResizeEdge', scale=64, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='mmpretrain.PackInputs', algorithm_keys=['text']),
]
test_dataloader = dict(
    dataset=dict(_delete_=True, type='KarpathyCaptions', data_root='data/demo/retrieval',
                 data_prefix='images', ann_file='captions.json', pipeline=retrieval_pipeline))
test_evaluator = dict(_delete_=True, type='ImageTextRetrieval', ks=(1, 5, 10))
custom_hooks = []
