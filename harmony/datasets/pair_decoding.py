"""Decoding one image-text pair from raw bytes, with a BadSample reason for everything that can go wrong."""
import io
import json
import random

from PIL import Image, UnidentifiedImageError

from .bad_samples import BadSample


def decode_image(data):
    """bytes -> fully decoded PIL RGB image (a truncated JPEG fails here, not later in a transform)."""
    if data is None:
        raise BadSample('missing image')
    if not data:
        raise BadSample('empty image file')
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.convert('RGB')
    except UnidentifiedImageError as error:
        raise BadSample('unreadable image', str(error)) from None
    except (OSError, SyntaxError, ValueError) as error:
        reason = 'truncated image' if 'truncated' in str(error) else 'unreadable image'
        raise BadSample(reason, str(error)) from None


def decode_text(data):
    """bytes (or str) -> stripped str; non-UTF-8 or blank text is a bad caption."""
    if data is None:
        raise BadSample('missing caption')
    if isinstance(data, bytes):
        try:
            data = data.decode('utf-8')
        except UnicodeDecodeError as error:
            raise BadSample('non-UTF-8 caption', str(error)) from None
    text = data.strip()
    if not text:
        raise BadSample('empty caption')
    return text


def choose_caption(candidates, rng=random):
    """One caption among several (YFCC's title and description): a random non-empty one.

    Args:
        candidates: list of bytes/str/None, e.g. the configured JSON fields or CSV columns of one sample.
    """
    captions = []
    for candidate in candidates:
        try:
            captions.append(decode_text(candidate))
        except BadSample as error:
            last_error = error
    if not captions:
        raise last_error
    return captions[0] if len(captions) == 1 else rng.choice(captions)


def json_fields(data, keys):
    """The values of `keys` in a sample's JSON metadata (bytes); a missing key gives None."""
    if data is None:
        return [None] * len(keys)
    try:
        meta = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadSample('bad metadata', f'not valid JSON: {error}') from None
    return [meta.get(key) if isinstance(meta.get(key), str) else None for key in keys]
