# Zero-shot classification of colours (data/demo/colours: 6 colours x 50 images of one shape each) with the towers
# of a demo pre-training checkpoint (EMA teacher; the student's without soft CLIP targets); colour_accuracy/top1, top5:
#   python tools/test.py configs/demo/zeroshot-colours_harmony-vit-demo_demo.py work_dirs/demo/pretrain/epoch_2.pth
# Colour is the concept of the demo captions that a few minutes of CLIP learn; shapes need far more steps.
_base_ = 'harmony_vit-demo_demo-pretrain.py'
colours_root = 'data/demo/colours'
test_dataloader = dict(dataset=dict(data_root=colours_root, classes=f'{colours_root}/classnames.txt'))
test_evaluator = dict(prefix='colour_accuracy')  # colour_accuracy/top1: a column of its own in the results table
custom_hooks = [dict(type='ZeroShotHook', templates=['a photo of a {} shape.', 'a drawing of a {} shape.',
                                                     'an image of a {} shape.', 'illustration of a {} shape.'])]
