"""Zero-shot and retrieval evaluation of Harmony's CLIP towers: which towers, class names, prompt templates."""
from pathlib import Path

from open_clip.zero_shot_classifier import build_zero_shot_classifier
from open_clip.zero_shot_metadata import IMAGENET_CLASSNAMES, OPENAI_IMAGENET_TEMPLATES, SIMPLE_IMAGENET_TEMPLATES

# Named sets, imported from open_clip (not copied): the 80 OpenAI ImageNet prompts, SLIP's 7, ImageNet's 1000 names.
TEMPLATES = {'openai': OPENAI_IMAGENET_TEMPLATES, 'simple': SIMPLE_IMAGENET_TEMPLATES}
CLASSNAMES = {'imagenet': IMAGENET_CLASSNAMES}


def resolve_templates(templates):
    """'openai' | 'simple' | a list of format strings ('a photo of a {}.') -> a tuple open_clip accepts."""
    if isinstance(templates, str):
        if templates not in TEMPLATES:
            raise KeyError(f'unknown template set {templates!r}: use one of {sorted(TEMPLATES)} or a list of format '
                           "strings such as ['a photo of a {}.']")
        return TEMPLATES[templates]
    templates = tuple(templates)
    if not templates or not all(isinstance(t, str) and '{}' in t for t in templates):
        raise ValueError(f'templates must be format strings with one {{}}, got {templates!r}')
    return templates


def resolve_classnames(classnames, dataset_classes):
    """None (the dataset's classes) | 'imagenet' (open_clip's names) | a class-name file | a list -> list of str."""
    if classnames is None:
        if not dataset_classes:
            raise ValueError('zero-shot needs class names: the dataset has none in its metainfo; set classnames to '
                             "'imagenet', a file with one name per line, or a list")
        names = list(dataset_classes)
    elif isinstance(classnames, str) and classnames in CLASSNAMES:
        names = list(CLASSNAMES[classnames])
    elif isinstance(classnames, str):
        path = Path(classnames)
        if not path.is_file():
            raise FileNotFoundError(f'class-name file {path} does not exist (one name per line, in label order)')
        names = [line.strip() for line in path.read_text(encoding='utf-8').splitlines() if line.strip()]
    else:
        names = list(classnames)
    if dataset_classes and len(names) != len(dataset_classes):
        raise ValueError(f'{len(names)} zero-shot class names for a dataset with {len(dataset_classes)} classes')
    return [name.replace('_', ' ') for name in names]


class TextTowerAdapter:
    """What open_clip's `build_zero_shot_classifier` calls: `encode_text(ids, normalize=True)` -> [N, D]."""

    def __init__(self, encode_text):
        self._encode_text = encode_text

    def encode_text(self, ids, normalize=True):
        return self._encode_text(ids)


def zero_shot_weights(encode_text, tokenizer, classnames, templates, device):
    """Class prototypes [D, K]: the normalised mean of each class's normalised prompt embeddings."""
    return build_zero_shot_classifier(TextTowerAdapter(encode_text), tokenizer, classnames, templates,
                                      num_classes_per_batch=10, device=device)
