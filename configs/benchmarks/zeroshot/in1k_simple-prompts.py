# Zero-shot ImageNet-1k with SLIP's 7 prompts instead of the 80 OpenAI ones.
_base_ = 'in1k.py'
custom_hooks = [dict(type='ZeroShotHook', classnames='imagenet', templates='simple')]
