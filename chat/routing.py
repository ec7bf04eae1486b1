"""Websocket routes of the live chat; the consumers arrive with the chat itself."""

websocket_urlpatterns: list = []
