"""File names from strangers, made safe to store and to show."""

import unicodedata
from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation
from django.utils.text import get_valid_filename


def clean_filename(name: str) -> str:
    """A safe, readable file name: no path, no control characters, at most 150 characters."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, suffix = PurePath(base).stem.strip(" ."), PurePath(base).suffix.lower()[:10]
    try:
        safe = get_valid_filename(stem[:140])
    except SuspiciousFileOperation:
        safe = "file"
    return f"{safe}{suffix}"
