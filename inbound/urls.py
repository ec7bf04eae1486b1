from django.urls import path

from . import views

app_name = "inbound"

urlpatterns = [
    path(
        "tickets/<int:number>/held-replies/<int:entry_id>/",
        views.accept_held_reply,
        name="accept_held_reply",
    ),
]
