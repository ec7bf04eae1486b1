"""Form widgets the lists draw on every request (issue 9: speed at 100,000 tickets)."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A <select> written in Python: Django's renders one template per <option>, which costs
    more than the rest of a list's filters. The same HTML, groups aside (they fall back)."""

    def render(self, name, value, attrs=None, renderer=None):
        # Not list(): it asks a ModelChoiceIterator its length first, a COUNT(*) query.
        choices = [choice for choice in self.choices]  # noqa: C416
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        options = []
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            chosen = text in selected
            if chosen and not self.allow_multiple_selected:
                selected = set()  # only the first match, as Django marks it
            options.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    text,
                    mark_safe(" selected") if chosen else "",
                    label,
                )
            )
        final = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(final),
            mark_safe("\n".join(options)),  # noqa: S308 - each escaped by format_html
        )
