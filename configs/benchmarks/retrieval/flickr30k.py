# Zero-shot image-text retrieval on Flickr30k (1k test images, 5k captions) with a Harmony ViT-S/16 training
# checkpoint (EMA teacher towers by default):
#   python tools/test.py configs/benchmarks/retrieval/flickr30k.py work_dirs/vits16_cc3m/epoch_25.pth
_base_ = ['../../_base_/models/harmony_vits16.py', '../../_base_/datasets/flickr30k_retrieval.py',
          '../../_base_/default_runtime.py']
custom_hooks = []
