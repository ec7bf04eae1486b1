"""Form fields every app's messages share: the editor's HTML (cleaned, of a bounded length)
and a list of links."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.sanitize import clean_html, html_to_text


class RichTextField(forms.CharField):
    """HTML from the editor, cleaned with nh3; required means some visible text, at most
    `MESSAGE_MAX_CHARS` of it (the markup may be four times that before it is even cleaned)."""

    widget = forms.HiddenInput(attrs={"class": "rich-text-value"})
    # The images the form vouches for (those pasted in its editor, kept in its draft), by
    # their src: an image any other address gives is dropped.
    image_source: Callable[[str], str | None] | None = None

    def clean(self, value):
        limit, raw = settings.MESSAGE_MAX_CHARS, super().clean(value) or ""
        judge = self.image_source
        cleaned = clean_html(raw, image_source=judge) if len(raw) <= 4 * limit else ""
        length = len(html_to_text(cleaned)) if cleaned else len(raw)
        if length > limit:
            message = _("Write at most %(limit)s characters (this has %(length)s).")
            params = {"limit": limit, "length": length}
            raise ValidationError(message, params=params, code="max_length")
        if self.required and not html_to_text(cleaned):
            raise ValidationError(self.error_messages["required"], code="required")
        return cleaned


class LinksField(forms.CharField):
    """Links, one a line; http and https only (S0 "Anexar um link")."""

    widget = forms.Textarea(attrs={"rows": 2, "placeholder": "https://"})
    validate_url = URLValidator(schemes=["http", "https"])

    def clean(self, value):
        lines = [line.strip() for line in (super().clean(value) or "").splitlines()]
        links = [line for line in lines if line]
        bad = []
        for link in links:
            try:
                self.validate_url(link)
            except ValidationError:
                bad.append(link)
        if bad:
            raise ValidationError(
                _("These are not http or https links: %(links)s"),
                params={"links": ", ".join(bad)},
                code="invalid",
            )
        if len(links) > 10:
            raise ValidationError(_("Add at most 10 links to one message."), code="too_many")
        return links
