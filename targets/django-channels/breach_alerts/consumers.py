"""The per-user breach-alert WebSocket."""

import json
import logging
from datetime import datetime, timezone
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from .auth import InvalidToken, token_from_scope, verify_token
from .rate_limit import admit_connect
from .users import group_for

logger = logging.getLogger(__name__)


def iso_now() -> str:
    """The current UTC time as ISO 8601 with milliseconds, e.g. ``2026-12-04T13:00:00.123Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


class BreachAlertConsumer(AsyncWebsocketConsumer):
    """Joins the user's group once the token names them; answers pings; relays alerts."""

    group_name: str | None = None

    async def connect(self) -> None:
        user_id: str = self.scope["url_route"]["kwargs"]["user_id"]
        try:
            claims = verify_token(token_from_scope(self.scope))
        except InvalidToken as error:
            await self.refuse(user_id, str(error))
            return
        subject = claims.get("sub")
        if subject != user_id:
            reason = f"expected the token's sub to be {user_id!r}, got {subject!r}"
            await self.refuse(user_id, reason)
            return
        if not admit_connect(user_id):
            limit = settings.CONNECT_LIMIT_PER_MINUTE
            await self.refuse(user_id, f"over {limit} connection attempts within 60 s")
            return
        self.group_name = group_for(user_id)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def refuse(self, user_id: str, reason: str) -> None:
        logger.info("refused WebSocket for user %s: %s", user_id, reason)
        # Closing before accepting makes Daphne answer the upgrade with HTTP 403.
        await self.close()

    async def disconnect(self, code: int) -> None:
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            logger.debug("ignored a binary frame")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            logger.debug("ignored a frame that is not JSON: %.80r", text_data)
            return
        if isinstance(frame, dict) and frame.get("type") == "ping":
            await self.send(text_data=encode({"type": "pong", "timestamp": iso_now()}))
            return
        logger.debug("ignored a frame that is not a ping: %.80r", text_data)

    async def breach_alert(self, event: dict[str, Any]) -> None:
        """Group message ``{"type": "breach_alert", "data": <alert>}``: one text frame."""
        await self.send(text_data=encode({"type": "breach_alert", "data": event["data"]}))


class UnknownPathConsumer(AsyncWebsocketConsumer):
    """Refuses (HTTP 403) a WebSocket on any path but ``/ws/breach-alerts/<user_id>/``."""

    async def connect(self) -> None:
        logger.warning(
            "refused WebSocket on %.100r: expected /ws/breach-alerts/<user_id>/ "
            "(with the trailing slash)",
            self.scope["path"],
        )
        await self.close()
