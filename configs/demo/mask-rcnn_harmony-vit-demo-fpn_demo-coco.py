# Demo twin of benchmarks/mmdet/mask-rcnn_harmony-vits16-fpn_1x_coco.py: the demo ViT (128-d, 6 blocks, patch 8)
# in Mask R-CNN on the demo instances (same COCO layout), images at 128 px, anchors scaled to the small objects,
# 2 epochs (100 iterations, ~1.5 min on 2 CPU cores).
# Needs a backbone: --cfg-options model.backbone.init_cfg.checkpoint=PATH [model.backbone.init_cfg.prefix=...].
_base_ = '../benchmarks/mmdet/mask-rcnn_harmony-vits16-fpn_1x_coco.py'
embed_dims = 128
model = dict(
    backbone=dict(arch=dict(_delete_=True, embed_dims=embed_dims, num_layers=6, num_heads=4), img_size=64, patch_size=8,
                  out_indices=[1, 3, 4, 5], drop_path_rate=0.0),
    neck=[
        # patch 8: scales (2, 1, 0.5, 0.25) give the strides 4-32 that the anchors and RoI extractors assume
        dict(type='harmony.ViTFeaturePyramid', embed_dims=embed_dims, scales=(2, 1, 0.5, 0.25), norm='BN'),
        dict(type='FPN', in_channels=[embed_dims] * 4, out_channels=128, num_outs=5),
    ],
    rpn_head=dict(in_channels=128, feat_channels=128, anchor_generator=dict(scales=[4])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=128),
        bbox_head=dict(in_channels=128, fc_out_channels=256, num_classes=6),
        mask_roi_extractor=dict(out_channels=128),
        mask_head=dict(in_channels=128, conv_out_channels=128, num_classes=6)),
    # Images hold 1-3 objects: far fewer proposals and sampled RoIs than COCO needs (most of the CPU time).
    train_cfg=dict(rpn_proposal=dict(nms_pre=500, max_per_img=100), rcnn=dict(sampler=dict(num=64))),
    # A 3-epoch demo gives low but ranked scores: keep them (score_thr 0.001) so that AP measures the ranking.
    test_cfg=dict(rpn=dict(nms_pre=500, max_per_img=100), rcnn=dict(score_thr=0.001, max_per_img=20)))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
data_root = 'data/demo/coco/'
demo_dataset = dict(type='harmony.DemoCocoDataset', data_root=data_root)
train_dataloader = dict(batch_size=8, num_workers=2, dataset=dict(**demo_dataset, pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, num_workers=2, dataset=dict(**demo_dataset, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val2017.json')
test_evaluator = val_evaluator
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=3e-4))
max_epochs = 2
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=20),
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=3e-6, by_epoch=True, begin=0, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
randomness = dict(seed=0)  # a repeatable demo
