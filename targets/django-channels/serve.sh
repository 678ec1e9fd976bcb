#!/usr/bin/env bash
# Serves the breach-alert target with Daphne on $HOST (default 127.0.0.1) and $PORT.
set -euo pipefail
cd "$(dirname "$0")"
# Keeps __pycache__ out of the source tree.
export PYTHONDONTWRITEBYTECODE="${PYTHONDONTWRITEBYTECODE:-1}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-breach_alerts.settings}"
exec /usr/bin/daphne -b "${HOST:-127.0.0.1}" -p "${PORT:?PORT is required}" breach_alerts.asgi:application
