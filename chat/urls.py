from django.urls import path

from . import views

app_name = "chat"

urlpatterns = [
    path("chat/", views.start, name="visitor"),
    path("chat/<str:token>/", views.room, name="room"),
    path("chat/<str:token>/state/", views.state, name="state"),
    path("chat/<str:token>/leave/", views.leave, name="leave"),
    path("chat/<str:token>/rate/", views.rate, name="rate"),
    path("chat/<str:token>/transcript/", views.email_transcript, name="transcript"),
    path("agent/chats/", views.console, name="console"),
    path("agent/chats/lists/", views.waiting_list, name="lists"),
    path("agent/chats/presence/", views.presence, name="presence"),
    path("agent/chats/history/", views.history, name="history"),
    path("agent/chats/<int:chat_id>/", views.chat_detail, name="detail"),
    path("agent/chats/<int:chat_id>/transfer/", views.transfer, name="transfer"),
    path("agent/chats/<int:chat_id>/end/", views.end, name="end"),
    path("agent/chats/<int:chat_id>/ticket/", views.to_ticket, name="to_ticket"),
]
