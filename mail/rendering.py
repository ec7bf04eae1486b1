"""Rendering a mail from its template triple, in the recipient's language."""

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
    return " ".join(subject.split()), text, html
