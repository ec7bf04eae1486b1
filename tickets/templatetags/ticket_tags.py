from django import forms, template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.jinja import render_fragment

register = template.Library()


@register.simple_tag
def field(bound):
    """`bound` (a form's field) as `|as_crispy_field` draws it, label, errors and help around
    the widget, by a Jinja2 fragment: crispy's dozen templates cost 0.6 ms a field, and the
    agent's ticket page draws fourteen."""
    widget = bound.field.widget
    if isinstance(widget, forms.Select):
        kind = "form-select"
    elif isinstance(widget, forms.FileInput):
        kind = "form-control"
    else:
        kind = f"{type(widget).__name__.lower()} form-control"
    classes = dict.fromkeys([*widget.attrs.get("class", "").split(), *kind.split()])
    attrs = {}
    described = [f"{bound.auto_id}_helptext"] if bound.help_text else []
    if bound.errors:
        classes["is-invalid"] = None
        attrs["aria-invalid"] = "true"
        described.append(f"{bound.auto_id}_error")
    attrs["class"] = " ".join(classes)
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return render_fragment(
        "forms/_field.html", {"field": bound, "widget": bound.as_widget(attrs=attrs)}
    )


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label: str, default: str = "-updated"):
    """A column heading that sorts by `key`, and the other way round when it already does."""
    request = context["request"]
    current = request.GET.get("sort") or default
    flipped = key[1:] if key.startswith("-") else f"-{key}"
    active = current in (key, flipped)
    target = flipped if current == key else key
    query = request.GET.copy()
    query["sort"] = target
    for where in ("page", "after", "before"):  # a new order starts from its first page
        query.pop(where, None)
    if not active:
        return format_html('<a href="?{}" class="sort-link">{}</a>', query.urlencode(), label)
    ascending = not current.startswith("-")
    return format_html(
        '<a href="?{}" class="sort-link">{} <i class="bi bi-sort-{}" aria-hidden="true"></i>'
        '<span class="visually-hidden"> ({})</span></a>',
        query.urlencode(),
        label,
        "up" if ascending else "down",
        _("sorted ascending") if ascending else _("sorted descending"),
    )


@register.filter
def status_for(ticket, user):
    """The customer's badge as `user` reads it: a colleague's ticket says whom it waits for."""
    return ticket.status_for(user.id if user.is_authenticated else None)
