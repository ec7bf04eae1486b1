"""Images from strangers, read without letting them take the worker's memory.

`Image.open` reads only the header: the size is checked there, before a pixel is decoded. A
12,000 x 12,000 PNG is 419 KB on disk and 0.6 GB once decoded; past IMAGE_MAX_PIXELS (a
setting) an image is refused, and Pillow's own bomb warning is a refusal too.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError)
BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)


@dataclass(frozen=True)
class Verdict:
    """What the header says: the format, and whether the image is too large to decode."""

    format: str | None
    too_large: bool = False


def inspect(source) -> Verdict:
    """Read `source`'s header (a file open in binary mode) and verify its structure.

    Nothing is decoded for an image over the cap; `format` is None for what is no image.
    """
    cap = settings.IMAGE_MAX_PIXELS
    Image.MAX_IMAGE_PIXELS = cap
    try:
        source.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                # Pillow warns past MAX_IMAGE_PIXELS (an error here); said again for clarity.
                if image.width * image.height > cap:
                    return Verdict(image.format, too_large=True)
                image.verify()
                return Verdict(image.format)
    except BOMB:
        return Verdict(None, too_large=True)
    except UNREADABLE:
        return Verdict(None)
    finally:
        source.seek(0)


def thumbnail_png(source, size: tuple[int, int]) -> bytes | None:
    """A PNG of `source` within `size`, or None for an image too large or unreadable.

    `thumbnail()` asks the decoder for a smaller picture first (`draft` for JPEG) and then
    shrinks by whole factors (`reduce`), so the full-size picture is never held at once in
    RGB; the orientation in its EXIF is applied to the small picture.
    """
    verdict = inspect(source)
    if verdict.too_large or verdict.format is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                image.draft("RGB", size)
                image.thumbnail(size, reducing_gap=2.0)
                small = ImageOps.exif_transpose(image)
                small.thumbnail(size)
                if small.mode not in ("RGB", "RGBA"):
                    small = small.convert("RGBA")
                buffer = io.BytesIO()
                small.save(buffer, format="PNG", optimize=True)
    except (*BOMB, *UNREADABLE):
        return None
    return buffer.getvalue()
