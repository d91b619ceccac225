# The paper's ImageNet-1k linear protocol for ViT-S/16 (the reference code's eval_linear.py, DINO's: its README
# command uses 8 GPUs x 1024 images, 100 epochs, the last block's CLS token concatenated with its mean patch token,
# both after the final norm): a linear layer (weights N(0, 0.01), bias 0) on the frozen backbone, no BN, SGD with
# momentum 0.9 and no weight decay, cosine to 0 over 100 epochs without warm-up, random-resized crop + flip for
# training, shorter side 256 + centre crop 224 for evaluation. The reference trains 13 learning rates at once
# (1e-5 ... 0.1 per 256 images, linearly scaled) and reports the best on the validation set; this config trains one,
# DINO's default 1e-3 per 256 (0.032 at 8192): choose another on a held-out part of the training set
# (--cfg-options optim_wrapper.optimizer.lr=...), never on val.
#   tools/dist_train.sh configs/benchmarks/mmpretrain/vits16_8xb1024-linear-sgd-coslr-100e_in1k_paper.py 8 \
#       --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = './vits16_linear_in1k.py'
model = dict(neck=None, head=dict(init_cfg=[dict(type='Normal', layer='Linear', std=0.01, bias=0.0)]))
train_dataloader = dict(batch_size=1024)
optim_wrapper = dict(_delete_=True, type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=1e-3 * 8192 / 256, momentum=0.9, weight_decay=0.0))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=100, by_epoch=True, begin=0, end=100, eta_min=0.0,
                        convert_to_iter_based=True)]
train_cfg = dict(max_epochs=100)
auto_scale_lr = dict(base_batch_size=8192)
