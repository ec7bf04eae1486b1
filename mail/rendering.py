"""Rendering a mail from its template triple, in the recipient's language."""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of `templates/emails/<name>/`, rendered in `language` (the site's
    when blank: a person who never chose one). Dates and times follow that language's formats."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}/subject.txt", context)
        text = render_to_string(f"emails/{name}/body.txt", context)
        html = render_to_string(f"emails/{name}/body.html", context)
    return " ".join(subject.split()), text, OUR_IMAGES.sub(_named, html)


# A thread's inline image is served to a signed-in reader only: in a mail it is named by its
# alt text, not shown broken (nh3 wrote the tag: its values' quotes are escaped).
OUR_IMAGES = re.compile(r'<img\s[^>]*?src="/(?!/)[^"]*"[^>]*>')
ALT = re.compile(r'\salt="([^"]+)"')


def _named(found: re.Match) -> str:
    alt = ALT.search(found.group(0))
    return f"[{alt.group(1)}]" if alt else ""
