"""HTTP endpoints: publishing an alert to a user, and a health probe."""

import json
from typing import Any

from channels.layers import get_channel_layer
from django.http import HttpRequest, HttpResponse, JsonResponse

from .auth import InvalidToken, bearer_token, verify_token
from .users import USER_ID_PATTERN, group_for, is_user_id


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def method_not_allowed(request: HttpRequest, allowed: str) -> JsonResponse:
    response = error_response(405, f"expected {allowed}, got {request.method}")
    response["Allow"] = allowed
    return response


def reject_constant(name: str) -> None:
    # Python's json reads NaN and Infinity, which no JSON client could read back.
    raise ValueError(f"{name} is not JSON")


def describe(value: Any) -> str:
    """A JSON value's kind, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


async def publish(request: HttpRequest) -> HttpResponse:
    """``POST /publish`` ``{"userId", "alert"}`` with a publisher token: 202 once group-sent."""
    if request.method != "POST":
        return method_not_allowed(request, "POST")
    try:
        claims = verify_token(bearer_token(request.headers.get("Authorization")))
    except InvalidToken as error:
        return error_response(401, str(error))
    role = claims.get("role")
    if role != "publisher":
        return error_response(403, f"expected a token with role 'publisher', got {role!r}")

    try:
        body = json.loads(request.body, parse_constant=reject_constant)
    except ValueError as error:
        return error_response(400, f"expected a JSON body, got invalid JSON ({error})")
    if not isinstance(body, dict):
        return error_response(400, f"expected a JSON object, got {describe(body)}")
    if "userId" not in body:
        return error_response(400, "expected userId, got no such field")
    user_id = body["userId"]
    if not isinstance(user_id, str):
        return error_response(400, f"expected userId to be a string, got {describe(user_id)}")
    if not is_user_id(user_id):
        return error_response(
            400, f"expected userId to match {USER_ID_PATTERN}, got {user_id[:80]!r}"
        )
    if "alert" not in body:
        return error_response(400, "expected alert, got no such field")
    alert = body["alert"]
    if not isinstance(alert, dict):
        return error_response(400, f"expected alert to be an object, got {describe(alert)}")

    message = {"type": "breach_alert", "data": alert}
    await get_channel_layer().group_send(group_for(user_id), message)
    return JsonResponse({"ok": True}, status=202)


# Django 3.2's csrf_exempt wraps the view in a plain function, which Django then runs as a sync
# view that returns an unawaited coroutine; the attribute it would set is set directly instead.
publish.csrf_exempt = True  # type: ignore[attr-defined]


async def healthz(request: HttpRequest) -> HttpResponse:
    """``GET /healthz``: 200 ``{"ok": true}`` while the process serves HTTP."""
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(request, "GET, HEAD")
    return JsonResponse({"ok": True})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(404, f"expected POST /publish or GET /healthz, got {request.path[:100]}")
