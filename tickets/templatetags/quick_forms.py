"""Crispy fields of forms shown empty on every ticket page, rendered once per process.

An empty form's field is the same HTML on every request (no value typed, no error), and
crispy-forms renders each through a dozen templates: the ticket page drew 14 of them for
its reply, note and resolve forms. `{{ form.field|as_crispy_field_once }}` renders an unbound
form's field as `|as_crispy_field` would and keeps it, keyed by everything the HTML is made
of; a bound form (posted, perhaps with errors) and choices read from the database are
rendered every time.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.translation import get_language

register = template.Library()

_RENDERED: dict[tuple, str] = {}
_MAX = 500


@register.filter
def as_crispy_field_once(field):
    key = _key(field)
    if key is None:
        return as_crispy_field(field)
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= _MAX:
            _RENDERED.clear()
        html = _RENDERED[key] = as_crispy_field(field)
    return html


def _key(field) -> tuple | None:
    form, definition = field.form, field.field
    if form.is_bound or getattr(form, "helper", None) is not None:
        return None
    if isinstance(definition, forms.ModelChoiceField):
        return None  # its choices are rows of a table
    choices = getattr(definition, "choices", None)
    if choices is not None:
        choices = [(value, str(label)) for value, label in choices]
        if any(isinstance(value, (list, tuple)) for value, _label in choices):
            return None
    widget = definition.widget
    key = (
        type(form), form.prefix, form.auto_id, field.name, get_language(), repr(field.value()),
        repr(sorted(widget.attrs.items())), type(widget), str(field.label),
        str(definition.help_text), definition.required, definition.disabled, repr(choices),
        form.use_required_attribute,
    )  # fmt: skip
    try:
        hash(key)
    except TypeError:
        return None
    return key
