"""Logging out closes the agent console sockets opened with that session at once."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from . import services


@receiver(user_logged_out, dispatch_uid="chat.close_session_sockets")
def close_sockets_on_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    services.close_session_sockets(getattr(session, "session_key", None))
