"""The bulk bar's menu, read from the actions the bulk services know (no query)."""

from django import template

from workspace import bulk

register = template.Library()


@register.simple_tag
def bulk_actions() -> list[tuple[str, str]]:
    return bulk.action_choices()
