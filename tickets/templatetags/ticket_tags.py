from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


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
