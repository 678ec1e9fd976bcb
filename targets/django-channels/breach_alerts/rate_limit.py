"""How many times one user may connect: a fixed 60 s window kept in Django's cache."""

from django.conf import settings
from django.core.cache import cache

WINDOW_S = 60


def admit_connect(user_id: str) -> bool:
    """Counts one connection attempt by ``user_id``.

    False once more than ``CONNECT_LIMIT_PER_MINUTE`` attempts arrived within the window, which
    opens at the first attempt and lasts ``WINDOW_S`` seconds. The cache is per process.
    """
    key = f"connect-attempts:{user_id}"
    # The local-memory cache takes no I/O, so it is called straight from the event loop.
    cache.add(key, 0, timeout=WINDOW_S)
    try:
        attempts = cache.incr(key)
    except ValueError:
        # The window closed between add and incr: this attempt opens the next one.
        cache.set(key, 1, timeout=WINDOW_S)
        attempts = 1
    return attempts <= settings.CONNECT_LIMIT_PER_MINUTE
