# Zero-shot ImageNet-1k (top-1/top-5, 1000 open_clip class names x 80 OpenAI prompts) of a Harmony ViT-S/16
# training checkpoint, EMA teacher towers by default (model.eval_source='student' for the student's):
#   python tools/test.py configs/benchmarks/zeroshot/in1k.py work_dirs/vits16_cc3m/epoch_25.pth
_base_ = ['../../_base_/models/harmony_vits16.py', '../../_base_/datasets/in1k_zeroshot.py',
          '../../_base_/default_runtime.py']
custom_hooks = [{{_base_.zero_shot_hook}}]
