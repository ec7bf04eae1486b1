from django.urls import path

from . import team_views

app_name = "team"
urlpatterns = [
    path("", team_views.team, name="view"),
]
