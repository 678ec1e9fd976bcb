"""The ASGI application Daphne serves: Django views over HTTP, the alert consumer over WebSocket."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breach_alerts.settings")

# Django is set up before the routing (and the consumers it imports) is loaded.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402

# No AllowedHostsOriginValidator: the harness's Node clients send no Origin header.
application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
