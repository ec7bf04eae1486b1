"""The saved views beside the queues of the agent panel, each with its count."""

from django import template

from workspace import saved_views

register = template.Library()


@register.inclusion_tag("workspace/_saved_views_nav.html", takes_context=True)
def saved_views_nav(context):
    request = context["request"]
    return {
        "views": saved_views.navigation(request.user),
        "limit": saved_views.COUNT_LIMIT,
        "current_view": request.GET.get("view", ""),
    }
