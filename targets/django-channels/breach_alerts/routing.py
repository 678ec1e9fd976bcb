"""WebSocket routes: one alert channel per user; anything else is refused."""

from django.urls import re_path

from .consumers import BreachAlertConsumer, UnknownPathConsumer
from .users import USER_ID_PATTERN

websocket_urlpatterns = [
    re_path(
        rf"^ws/breach-alerts/(?P<user_id>{USER_ID_PATTERN})/$",
        BreachAlertConsumer.as_asgi(),
    ),
    # Without this, an unmatched path (a missing trailing slash, say) raises inside URLRouter
    # and Daphne answers the upgrade with 500 and a traceback.
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
