"""Websocket routes of the live workspace."""

from django.urls import path

from .consumers import LiveConsumer

websocket_urlpatterns = [path("ws/agent/live/", LiveConsumer.as_asgi())]
