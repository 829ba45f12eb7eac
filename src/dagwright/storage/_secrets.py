"""Showing settings without their secrets: passwords and tokens as ``***``.

Instance settings hold resolved secrets (a password read from the
environment); whatever prints them goes through here first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["MASK", "is_secret", "is_env_reference", "mask_url", "masked"]

MASK = "***"
"""What a secret is shown as."""


def is_secret(name: str) -> bool:
    """Whether a setting or parameter called ``name`` (a dotted path's last part) holds a secret
    (a URL counts: it may hold a password)."""
    last = name.rsplit(".", 1)[-1].lower()
    return last == "url" or any(word in last for word in ("password", "secret", "token"))


def is_env_reference(value: Any) -> bool:
    """Whether ``value`` is ``{env: NAME}``: the name of a variable, safe to show."""
    return isinstance(value, Mapping) and set(value) == {"env"} and isinstance(value["env"], str)


def mask_url(url: str) -> str:
    """``url`` with the password of its user and any password parameter shown as ``***``."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    head, question, query = rest.partition("?")
    # The last "@" ends the user's part, even when the password has an unencoded "/" or "@".
    userinfo, at, server = head.rpartition("@")
    if at and ":" in userinfo:
        head = f"{userinfo.split(':', 1)[0]}:{MASK}@{server}"
    if question:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if is_secret(k) else v) for k, v in pairs], safe="*")
    return f"{scheme}{separator}{head}{question}{query}"


def masked(value: Any, key: str = "") -> Any:
    """Plain data for display: values of secret-looking keys as ``***``, URL passwords masked."""
    if isinstance(value, Mapping):
        if is_env_reference(value):
            return dict(value)  # the variable's name, not its value: safe to show
        return {k: masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item, key) for item in value]
    if key and is_secret(key) and not (isinstance(value, str) and "://" in value):
        return MASK
    if isinstance(value, str) and "://" in value:
        return mask_url(value)
    return value
