from django.urls import path

from . import merge_views

app_name = "merge"
urlpatterns = [
    path("<int:number>/", merge_views.merge_ticket, name="ticket"),
    path("undo/<int:entry_id>/", merge_views.unmerge, name="undo"),
]
