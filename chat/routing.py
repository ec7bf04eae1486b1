"""Websocket routes of the live chat."""

from django.urls import path

from .consumers import AgentConsumer, VisitorConsumer

websocket_urlpatterns = [
    path("ws/chat/<str:token>/", VisitorConsumer.as_asgi()),
    path("ws/agent/chats/", AgentConsumer.as_asgi()),
]
