"""The manager's view of the team (administrators see every department)."""

from django.http import Http404
from django.shortcuts import render

from .permissions import may_see_team
from .search_views import panel_only
from .team import team_view


@panel_only
def team(request):
    """The page; htmx asks it again every 30 seconds for the figures alone."""
    if not may_see_team(request.user):
        raise Http404
    context = team_view(request.user)
    if request.headers.get("HX-Request"):
        return render(request, "workspace/_team_figures.html", context)
    return render(request, "workspace/team.html", context)
