from django.urls import path

from . import search_views

app_name = "find"
urlpatterns = [
    path("", search_views.search, name="search"),
    path("go/", search_views.go_to, name="go"),
]
