"""Rendering a mail from its template triple, in the recipient's language."""

import re

from django.conf import settings
from django.template import TemplateDoesNotExist
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
    return " ".join(subject.split()), text, html


# A thread's inline image is served to a signed-in reader only: in a mail it is sent with the
# mail and named by its cid: (RFC 2392) where the sender gave its file, else named by its alt
# text, not shown broken (nh3 wrote the tag: its values' quotes are escaped).
OUR_IMAGES = re.compile(r'<img\s[^>]*?src="(/(?!/)[^"]*)"[^>]*>')
ALT = re.compile(r'\salt="([^"]+)"')


def with_inline_images(html: str, files: dict[str, tuple], *, domain: str) -> tuple[str, list]:
    """`html` with each of our images that `files` holds (its address -> a stored file, as
    `queue_email` takes them) named by a cid:, and those files with their Content-IDs."""
    sent: dict[str, list] = {}

    def named(found: re.Match) -> str:
        stored = files.get(found.group(1))
        if stored is None:
            alt = ALT.search(found.group(0))
            return f"[{alt.group(1)}]" if alt else ""
        if found.group(1) not in sent:
            sent[found.group(1)] = [*stored, f"image{len(sent) + 1}@{domain}"]
        cid = sent[found.group(1)][3]
        return found.group(0).replace(f'src="{found.group(1)}"', f'src="cid:{cid}"')

    return OUR_IMAGES.sub(named, html), list(sent.values())


def kind_label(name: str) -> str:
    """What the mail `templates/emails/<name>/` is, in the active language, as its kind.txt
    names it (the template's name for a mail kind that has none, or no longer exists)."""
    try:
        return " ".join(render_to_string(f"emails/{name}/kind.txt").split()) or name
    except TemplateDoesNotExist:
        return name
