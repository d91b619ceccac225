"""Image input and output of the visualisation tools."""
from pathlib import Path

import numpy as np
import torch
from PIL import Image

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


def load_image_folder(folder, size, mean, std, limit=8):
    """The first `limit` images under `folder` (recursively, sorted), short side resized to `size` and centre
    cropped -> ([B, 3, size, size] normalised RGB, paths). mean/std: per channel, 0-255 units."""
    paths = sorted(p for p in Path(folder).rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
    if not paths:
        raise FileNotFoundError(f'no image ({", ".join(IMAGE_SUFFIXES)}) under {folder}')
    images = []
    for path in paths:
        image = Image.open(path).convert('RGB')
        scale = size / min(image.size)
        image = image.resize((max(size, round(image.width * scale)), max(size, round(image.height * scale))),
                             Image.BICUBIC)
        left, top = (image.width - size) // 2, (image.height - size) // 2
        images.append(np.asarray(image.crop((left, top, left + size, top + size))))
    pixels = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float()
    return (pixels - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1), paths


def to_display(images, mean, std):
    """Normalised [B, 3, H, W] -> [B, H, W, 3] in [0, 1]."""
    pixels = images * torch.tensor(std).view(1, 3, 1, 1) + torch.tensor(mean).view(1, 3, 1, 1)
    return (pixels / 255).clamp(0, 1).permute(0, 2, 3, 1)


def save_panels(rows, titles, out_file, cell=1.6, cmap=None):
    """rows: list (one per image) of lists of [h, w] or [h, w, 3] arrays; titles: one per column -> PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(len(rows), len(titles), figsize=(cell * len(titles), cell * len(rows)),
                                squeeze=False)
    for r, row in enumerate(rows):
        for c, panel in enumerate(row):
            axes[r, c].imshow(np.asarray(panel), cmap=cmap if np.asarray(panel).ndim == 2 else None,
                              interpolation='nearest')
            axes[r, c].set_axis_off()
            if r == 0:
                axes[r, c].set_title(titles[c], fontsize=8)
    figure.tight_layout()
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out_file, dpi=100)
    plt.close(figure)
    return out_file
