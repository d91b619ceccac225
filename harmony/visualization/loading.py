"""Models for the visualisation tools, built from a pre-training config and loaded from a checkpoint."""
from mmengine.registry import DefaultScope

from harmony.models import HarmonyViT
from harmony.models.algorithms.data_preprocessor import PretrainingDataPreprocessor
from harmony.models.utils import load_backbone_weights, read_state_dict
from harmony.registry import MODELS

BACKBONE_KEYS = ('arch', 'img_size', 'patch_size', 'qkv_bias', 'norm_eps')


def normalisation(cfg):
    """(mean, std) of the config's data preprocessor (0-255, RGB), the pre-training defaults otherwise."""
    preprocessor = dict(cfg.model.get('data_preprocessor') or {})
    defaults = PretrainingDataPreprocessor()
    return (tuple(preprocessor.get('mean', defaults.mean.flatten().tolist())),
            tuple(preprocessor.get('std', defaults.std.flatten().tolist())))


def load_backbone(cfg, checkpoint, source='teacher'):
    """HarmonyViT of a pre-training config (its model.backbone: arch, size, patch) with the weights of `checkpoint`
    (a training checkpoint: the EMA teacher's or the student's backbone; or an exported backbone) -> eval model."""
    backbone = HarmonyViT(**{k: v for k, v in cfg.model.backbone.items() if k in BACKBONE_KEYS}, out_type='raw')
    load_backbone_weights(backbone, checkpoint, source=source)
    return backbone.eval()


def load_harmony(cfg, checkpoint):
    """The Harmony model of a pre-training config with a training checkpoint's weights (strict) -> eval model."""
    with DefaultScope.overwrite_default_scope('harmony'):
        model = MODELS.build(cfg.model)
    state = read_state_dict(checkpoint)
    if not any(k.startswith('teacher.') or k.startswith('backbone.') for k in state):
        raise KeyError(f'{checkpoint} is not a Harmony training checkpoint (an exported backbone has no decoders); '
                       'pass the work dir\'s epoch_N.pth')
    model.load_state_dict(state, strict=True)
    return model.eval()


def image_size(cfg):
    return int(cfg.model.backbone.get('img_size', 224))
