from django.urls import path

from . import canned_views

app_name = "canned"
urlpatterns = [
    path("", canned_views.canned_replies, name="list"),
    path("<int:reply_id>/", canned_views.edit_canned_reply, name="edit"),
    path("<int:reply_id>/delete/", canned_views.delete_canned_reply, name="delete"),
]
