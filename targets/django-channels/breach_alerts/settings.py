"""Settings for the breach-alert target: no database, a local cache, a Redis channel layer.

Read from the environment:

- ``STORMWATCH_JWT_SECRET`` (required): the HS256 secret tokens are signed with.
- ``REDIS_URL``: the channel layer's Redis. Default ``redis://127.0.0.1:6379/0``.
- ``CHANNELS_PREFIX``: the channel layer's key prefix. Default ``asgi-<random hex>``, one per
  process, so processes sharing a Redis never see each other's groups. Processes meant to share
  groups must set the same prefix.
- ``CONNECT_LIMIT_PER_MINUTE``: connection attempts one user may make per 60 s. Default 10.
- ``LOG_LEVEL``: root log level on stderr. Default ``WARNING``.
- ``DJANGO_SECRET_KEY``: Django's own secret (unused by any feature here). A fixed dev value.
"""

import logging
import os
import secrets
import sys


def _fail(message: str) -> None:
    # One line on stderr and exit 1: Daphne imports this while loading the application.
    sys.exit(f"breach_alerts: {message}")


STORMWATCH_JWT_SECRET = os.environ.get("STORMWATCH_JWT_SECRET", "")
if STORMWATCH_JWT_SECRET == "":
    _fail("STORMWATCH_JWT_SECRET is required (the HS256 secret tokens are signed with), got none")

_limit = os.environ.get("CONNECT_LIMIT_PER_MINUTE", "10")
if not _limit.isdigit() or int(_limit) < 1:
    _fail(f"expected CONNECT_LIMIT_PER_MINUTE to be a positive integer, got {_limit!r}")
CONNECT_LIMIT_PER_MINUTE = int(_limit)

LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").upper()
if not isinstance(logging.getLevelName(LOG_LEVEL), int):
    _fail(f"expected LOG_LEVEL to be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "breach-alerts-reference-target-dev-key")
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS: list[str] = []
# The original ran Django's CSRF middleware; the publish endpoint is exempt from it.
MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
ROOT_URLCONF = "breach_alerts.urls"
ASGI_APPLICATION = "breach_alerts.asgi.application"

DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
# Django would otherwise set the process time zone to America/Chicago (its default).
TIME_ZONE = "UTC"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "breach-alerts",
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")],
            "prefix": os.environ.get("CHANNELS_PREFIX") or f"asgi-{secrets.token_hex(6)}",
        },
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
}
