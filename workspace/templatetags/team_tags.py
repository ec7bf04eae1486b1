from urllib.parse import urlencode

from django import template
from django.urls import reverse

from workspace.team import Row, search_filters

register = template.Library()


@register.simple_tag
def team_search_url(row: Row, figure: str) -> str:
    """The agent search filtered to the tickets behind `row`'s `figure`."""
    return f"{reverse('find:search')}?{urlencode(search_filters(row, figure))}"


@register.filter
def figure(row: Row, name: str) -> int:
    return row.figures[name]
