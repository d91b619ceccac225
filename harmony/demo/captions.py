"""Natural-language captions for demo scenes, with web-like noise.

Captions mention colours, shapes, sizes, counts and relative positions in varied phrasing. A share of them is
noisy as on the web: unrelated boiler-plate, or the caption of another image.
"""
NUMBER_WORDS = {1: 'one', 2: 'two', 3: 'three'}
PLURALS = {'cross': 'crosses'}
BACKGROUND_WORDS = {
    'plain': ['a plain background', 'a flat background', 'a uniform backdrop'],
    'stripes': ['a striped background', 'stripes', 'a pattern of stripes'],
    'checker': ['a checkered background', 'a checkerboard', 'a chequered pattern'],
    'noise': ['a noisy texture', 'a mottled background', 'a grainy backdrop'],
    'gradient': ['a gradient', 'a smooth colour gradient', 'a fading background'],
    'dots': ['a dotted background', 'polka dots', 'a dotted pattern'],
}
OPENERS = ['', '', 'a photo of ', 'an image of ', 'a picture showing ', 'illustration of ', 'a drawing of ',
           'close-up of ', 'stock image: ', 'a simple graphic with ']
WEB_NOISE = [
    'click here to see more', 'image may contain: text', 'free shipping on all orders', 'untitled',
    'IMG_2041.JPG', 'photo by our staff photographer', 'view the full gallery online', 'best deals of the week',
    'my favourite thing from the weekend', 'thumbnail', 'no description available', 'sunset at the beach',
    'a man riding a bicycle down the street', 'a bowl of fresh fruit on a table', 'happy birthday!',
]


def plural(shape):
    return PLURALS.get(shape, shape + 's')


def _article(word):
    return 'an' if word[0] in 'aeiou' else 'a'


def describe_object(obj, rng, with_size=None):
    """'a small red circle', 'a white star', 'a large blue heart'…"""
    with_size = rng.random() < 0.4 if with_size is None else with_size
    words = ([obj.size] if with_size else []) + [obj.colour, obj.shape]
    phrase = ' '.join(words)
    return f'{_article(phrase)} {phrase}'


def _relation(a, b):
    """Relation of object a to object b in image coordinates (y grows downwards)."""
    dx, dy = a.centre[0] - b.centre[0], a.centre[1] - b.centre[1]
    if abs(dx) >= abs(dy):
        return 'to the left of' if dx < 0 else 'to the right of'
    return 'above' if dy < 0 else 'below'


def _group_by_kind(objects):
    groups = {}
    for obj in objects:
        groups.setdefault((obj.colour, obj.shape), []).append(obj)
    return groups


def describe_scene(scene, rng):
    """A faithful caption of `scene` in one of several styles."""
    objects = scene.objects
    if not objects:
        return f'{BACKGROUND_WORDS[scene.background][0]} with nothing on it'
    style = rng.integers(4)
    if style == 0 and len(objects) == 2:
        a, b = objects
        body = f'{describe_object(a, rng)} {_relation(a, b)} {describe_object(b, rng)}'
    elif style == 1 and len(_group_by_kind(objects)) < len(objects):
        parts = []
        for (colour, shape), group in _group_by_kind(objects).items():
            parts.append(f'{NUMBER_WORDS[len(group)]} {colour} {plural(shape) if len(group) > 1 else shape}')
        body = ' and '.join(parts)
    elif style == 2:
        count = len(objects)
        body = (f'{NUMBER_WORDS[count]} shape{"s" if count > 1 else ""}: '
                + ', '.join(f'{o.colour} {o.shape}' for o in objects))
    else:
        body = ' and '.join(describe_object(o, rng) for o in objects)
    opener = OPENERS[rng.integers(len(OPENERS))]
    caption = opener + body
    if rng.random() < 0.5:
        backgrounds = BACKGROUND_WORDS[scene.background]
        caption += f' on {backgrounds[rng.integers(len(backgrounds))]}'
    return caption[0].upper() + caption[1:] if rng.random() < 0.5 else caption


def noisy_caption(rng, other_caption=None):
    """An unrelated caption: web boiler-plate, or another image's caption when one is given."""
    if other_caption is not None and rng.random() < 0.5:
        return other_caption
    return WEB_NOISE[rng.integers(len(WEB_NOISE))]
