"""HS256 bearer tokens: where a request carries one, and verifying it."""

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

import jwt
from django.conf import settings


class InvalidToken(Exception):
    """The token is missing, malformed, wrongly signed or expired; the message says which."""


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <jwt>`` header value, if it is one."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or token == "":
        return None
    return token


def token_from_scope(scope: dict[str, Any]) -> str | None:
    """The token of a WebSocket handshake: the Authorization header, else ``?token=``."""
    headers: Iterable[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == b"authorization":
            token = bearer_token(value.decode("latin-1"))
            if token is not None:
                return token
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    tokens = query.get("token")
    return tokens[0] if tokens else None


def verify_token(token: str | None) -> dict[str, Any]:
    """The claims of ``token`` once its HS256 signature and ``exp`` (when present) hold.

    Raises InvalidToken otherwise.
    """
    if token is None:
        raise InvalidToken("expected a bearer token, got none")
    try:
        claims = jwt.decode(
            token,
            settings.STORMWATCH_JWT_SECRET,
            algorithms=["HS256"],
            # PyJWT 2.6 compares iat against the current whole second: a token whose iat carries
            # milliseconds (stormwatch signs them so) would be "not yet valid" for the rest of
            # the second it was issued in.
            options={"verify_iat": False},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("token expired") from None
    except jwt.InvalidTokenError as error:
        raise InvalidToken(f"invalid token ({error})") from None
    if not isinstance(claims, dict):
        raise InvalidToken("expected the token's claims to be an object")
    return claims
