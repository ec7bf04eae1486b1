import io
import warnings

import pytest
from django.test import override_settings
from PIL import Image

from core import images


def png(width, height) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    buffer.seek(0)
    return buffer


@pytest.fixture(scope="module")
def bomb():
    """12,000 x 12,000 pixels in a few hundred kilobytes: 144 Mpx once decoded."""
    return png(12_000, 12_000).getvalue()


def test_an_image_within_the_cap_is_read_with_its_size():
    verdict = images.inspect(png(640, 400))
    assert verdict == images.Verdict("PNG", too_large=False)


def test_an_image_past_the_cap_is_refused_from_its_header(bomb):
    assert len(bomb) < 1_000_000
    verdict = images.inspect(io.BytesIO(bomb))
    assert verdict.too_large


@override_settings(IMAGE_MAX_PIXELS=1_000)
def test_pillows_own_bomb_check_is_a_refusal_too():
    # Past twice the cap Pillow raises on open, before our own check sees the size.
    assert images.inspect(png(100, 100)) == images.Verdict(None, too_large=True)


@override_settings(IMAGE_MAX_PIXELS=1_000)
def test_pillows_bomb_warning_is_a_refusal_and_not_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert images.inspect(png(40, 40)).too_large  # 1,600 px: between the cap and twice it


def test_what_is_no_image_has_no_format():
    assert images.inspect(io.BytesIO(b"GIF89a not really")).format is None


def test_a_thumbnail_fits_the_box_and_keeps_the_proportions():
    small = Image.open(io.BytesIO(images.thumbnail_png(png(3_000, 1_500), (320, 240))))
    assert small.size == (320, 160)
    assert small.format == "PNG"


def test_no_thumbnail_is_made_of_an_image_past_the_cap(bomb):
    assert images.thumbnail_png(io.BytesIO(bomb), (320, 240)) is None


def test_no_thumbnail_is_made_of_a_broken_image():
    assert images.thumbnail_png(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"x" * 99), (320, 240)) is None
