# Harmony, ViT-S/16 on CC3M: 25 epochs, 8 GPUs x 96 images (global batch 768), all five objectives, AMP (bf16).
#   tools/dist_train.sh configs/harmony/vits16_cc3m.py 8
_base_ = [
    '../_base_/models/harmony_vits16.py',
    '../_base_/datasets/cc3m.py',
    '../_base_/schedules/harmony_adamw_25e.py',
    '../_base_/default_runtime.py',
]
optim_wrapper = dict(type='AmpOptimWrapper', dtype='bfloat16')  # mixed precision: needs CUDA
