"""The demo world: shapes of several colours and sizes on textured backgrounds.

Six shapes and six colours that stay distinct at 64 px (and after colour jitter), few enough that the demo's few
hundred CPU steps of pre-training can learn their words (docs/en/get_started.md gives the figures).

Everything is drawn from a `numpy.random.Generator`, so a scene is a pure function of its seed. Shapes are
polygons (circles included, as 48-gons), placed without overlap, so each object's mask is exactly its polygon:
the same scene serves captions, semantic labels and COCO instances.
"""
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SHAPES = ('circle', 'square', 'triangle', 'star', 'cross', 'heart')
COLOURS = {
    'red': (214, 40, 40),
    'green': (46, 160, 67),
    'blue': (35, 87, 205),
    'yellow': (246, 211, 45),
    'white': (245, 245, 245),
    'black': (20, 20, 20),
}
BACKGROUNDS = ('plain', 'stripes', 'checker', 'noise', 'gradient', 'dots')


@dataclass
class SceneObject:
    """One shape in a scene; `polygon` is a list of (x, y) pixel coordinates."""
    shape: str
    colour: str
    size: str  # 'small' | 'large'
    centre: tuple
    radius: float
    polygon: list

    @property
    def bbox(self):
        """[x, y, w, h] of the polygon, clipped to the image by the caller."""
        xs, ys = zip(*self.polygon)
        return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


@dataclass
class Scene:
    image: Image.Image
    background: str
    objects: list


def _regular(n, centre, radius, phase=0.0):
    cx, cy = centre
    return [(cx + radius * math.cos(phase + 2 * math.pi * k / n),
             cy + radius * math.sin(phase + 2 * math.pi * k / n)) for k in range(n)]


def shape_polygon(shape, centre, radius, angle=0.0):
    """Outline of `shape` inside a circle of `radius` around `centre`, rotated by `angle` radians."""
    cx, cy = centre
    if shape == 'circle':
        points = _regular(48, (0, 0), radius)
    elif shape == 'square':
        points = _regular(4, (0, 0), radius, math.pi / 4)
    elif shape == 'triangle':
        points = _regular(3, (0, 0), radius, -math.pi / 2)
    elif shape == 'star':
        points = [(r * math.cos(-math.pi / 2 + math.pi * k / 5), r * math.sin(-math.pi / 2 + math.pi * k / 5))
                  for k, r in zip(range(10), [radius, 0.45 * radius] * 5)]
    elif shape == 'cross':
        a, b = radius, 0.33 * radius
        points = [(-b, -a), (b, -a), (b, -b), (a, -b), (a, b), (b, b), (b, a), (-b, a), (-b, b), (-a, b),
                  (-a, -b), (-b, -b)]
    elif shape == 'heart':
        ts = np.linspace(0, 2 * math.pi, 48, endpoint=False)
        points = [(radius * 16 * math.sin(t) ** 3 / 17,
                   -radius * (13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)) / 17)
                  for t in ts]
    else:
        raise ValueError(f'unknown shape {shape!r}; choose one of {SHAPES}')
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in points]


def _background(rng, size, kind):
    """A low-contrast textured RGB background in muted colours: shapes stand out, textures are still there."""
    base = rng.integers(70, 190, size=3)
    other = np.clip(base + rng.integers(-25, 26, size=3), 0, 255)
    yy, xx = np.mgrid[0:size, 0:size]
    if kind == 'plain':
        weight = np.zeros((size, size))
    elif kind == 'stripes':
        period = rng.integers(4, 12)
        theta = rng.uniform(0, math.pi)
        weight = (((xx * math.cos(theta) + yy * math.sin(theta)) // period) % 2).astype(float)
    elif kind == 'checker':
        period = rng.integers(4, 14)
        weight = (((xx // period) + (yy // period)) % 2).astype(float)
    elif kind == 'noise':
        coarse = rng.random((size // 8 + 1, size // 8 + 1))
        weight = np.kron(coarse, np.ones((8, 8)))[:size, :size]
    elif kind == 'gradient':
        theta = rng.uniform(0, 2 * math.pi)
        ramp = xx * math.cos(theta) + yy * math.sin(theta)
        weight = (ramp - ramp.min()) / max(np.ptp(ramp), 1e-6)
    elif kind == 'dots':
        period = rng.integers(5, 10)
        weight = (((xx % period) < 2) & ((yy % period) < 2)).astype(float)
    else:
        raise ValueError(f'unknown background {kind!r}; choose one of {BACKGROUNDS}')
    pixels = base[None, None] * (1 - weight[..., None]) + other[None, None] * weight[..., None]
    pixels += rng.normal(0, 6, size=pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _place(rng, size, radius, placed):
    """A centre for a shape of `radius` that keeps it inside the image and apart from `placed` objects."""
    for _ in range(100):
        centre = rng.uniform(radius + 1, size - radius - 1, size=2)
        if all(math.dist(centre, o.centre) > radius + o.radius + 2 for o in placed):
            return tuple(centre)
    return None


def render_scene(rng, size, num_objects, shapes=None, colours=None):
    """Draw a scene of `num_objects` non-overlapping shapes; `shapes`/`colours` fix them per object if given.

    Returns a `Scene`; fewer objects are placed when the image is too crowded (rare at the default sizes).
    """
    background = BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
    image = _background(rng, size, background)
    draw = ImageDraw.Draw(image)
    objects = []
    for k in range(num_objects):
        shape = shapes[k] if shapes else SHAPES[rng.integers(len(SHAPES))]
        colour = colours[k] if colours else list(COLOURS)[rng.integers(len(COLOURS))]
        large = rng.random() < 0.5 if num_objects > 1 else rng.random() < 0.7
        radius = size * (rng.uniform(0.22, 0.32) if large else rng.uniform(0.11, 0.17)) / (
            1 + 0.25 * (num_objects - 1))
        centre = _place(rng, size, radius, objects)
        if centre is None:
            continue
        polygon = shape_polygon(shape, centre, radius, angle=rng.uniform(-0.4, 0.4))
        shade = np.clip(np.array(COLOURS[colour]) + rng.integers(-18, 19, size=3), 0, 255)
        draw.polygon(polygon, fill=tuple(int(v) for v in shade))
        objects.append(SceneObject(shape, colour, 'large' if large else 'small', centre, radius, polygon))
    if rng.random() < 0.3:
        image = image.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.3, 0.8)))
    return Scene(image=image, background=background, objects=objects)


def polygon_mask(polygon, size):
    """Binary mask [size, size] (uint8) of a polygon, rasterised exactly as `render_scene` drew it."""
    mask = Image.new('L', (size, size), 0)
    ImageDraw.Draw(mask).polygon(polygon, fill=1)
    return np.asarray(mask)
