"""HTTP and websockets in one ASGI application (uvicorn or daphne in production)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.main")

# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from chat.routing import websocket_urlpatterns as chat_routes  # noqa: E402
from core.uploads import limit_asgi_body  # noqa: E402
from workspace.routing import websocket_urlpatterns as workspace_routes  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": limit_asgi_body(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([*chat_routes, *workspace_routes]))
        ),
    }
)
