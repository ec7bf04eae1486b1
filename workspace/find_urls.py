from django.urls import path

from . import search_views

app_name = "find"
urlpatterns = [
    path("", search_views.search, name="search"),
    path("go/", search_views.go_to, name="go"),
    path("views/", search_views.save_view, name="save_view"),
    path("views/<int:view_id>/", search_views.open_view, name="view"),
    path("views/<int:view_id>/rename/", search_views.rename_view, name="rename_view"),
    path("views/<int:view_id>/delete/", search_views.delete_view, name="delete_view"),
]
