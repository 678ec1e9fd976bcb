"""User ids and the channel-layer group each user's sockets join."""

import re

USER_ID_PATTERN = r"[A-Za-z0-9_.-]{1,64}"
_USER_ID = re.compile(USER_ID_PATTERN)


def is_user_id(value: str) -> bool:
    """Whether ``value`` is a user id: 1 to 64 of ASCII letters, digits, ``_``, ``.``, ``-``."""
    return _USER_ID.fullmatch(value) is not None


def group_for(user_id: str) -> str:
    """The group of ``user_id``'s sockets. At most 69 characters, all valid in a group name."""
    return f"user_{user_id}"
