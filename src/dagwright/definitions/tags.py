"""Tags: string labels on jobs, ops, nodes and runs, and the rules every tag follows.

A tag key is a name, optionally after a prefix and ``/`` (``team``,
``acme.io/owner``); the prefix and the name are each 1 to 63 letters, digits,
``-``, ``_`` or ``.``. A value is a string of at most
:data:`MAX_TAG_VALUE_LENGTH` characters; any other JSON value (a number, a
bool, None, lists and dicts of those) is stored JSON-encoded, so a job's, an
op's and a run's tags are always ``str -> str``. Keys under ``dagwright/`` are
dagwright's own (``dagwright/partition``, set when a partition runs;
``dagwright/parent_run_id`` and ``dagwright/root_run_id`` on a re-execution);
users may set only the few listed in :data:`USER_SYSTEM_TAGS`. docs/jobs.md
says the same for users.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..errors import InvalidTagError

__all__ = [
    "MAX_TAG_VALUE_LENGTH",
    "PARENT_RUN_ID_TAG",
    "PARTITION_TAG",
    "RESUME_RETRY_TAG",
    "ROOT_RUN_ID_TAG",
    "SYSTEM_TAG_PREFIX",
    "USER_SYSTEM_TAGS",
    "normalize_tags",
]

SYSTEM_TAG_PREFIX = "dagwright/"
PARTITION_TAG = f"{SYSTEM_TAG_PREFIX}partition"
PARENT_RUN_ID_TAG = f"{SYSTEM_TAG_PREFIX}parent_run_id"
"""On a re-execution: the run it re-executes."""
ROOT_RUN_ID_TAG = f"{SYSTEM_TAG_PREFIX}root_run_id"
"""On a re-execution: the first run of its chain of re-executions."""
RESUME_RETRY_TAG = f"{SYSTEM_TAG_PREFIX}is_resume_retry"
"""``"true"`` on a re-execution of the steps that did not succeed (``from_failure``)."""
MAX_TAG_VALUE_LENGTH = 4096

_SEGMENT = r"[A-Za-z0-9_.\-]{1,63}"
_KEY = re.compile(rf"(?:{_SEGMENT}/)?{_SEGMENT}")


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _is_count(text: str) -> bool:
    return _is_int(text) and int(text) >= 0


def _is_positive_number(text: str) -> bool:
    try:
        return float(text) > 0
    except ValueError:
        return False


# The dagwright/ tags users may set: what each value must be, and the check.
USER_SYSTEM_TAGS: Mapping[str, tuple[str, Callable[[str], bool]]] = MappingProxyType(
    {
        f"{SYSTEM_TAG_PREFIX}priority": ("an integer (higher runs first)", _is_int),
        f"{SYSTEM_TAG_PREFIX}max_retries": ("a whole number, 0 or more", _is_count),
        f"{SYSTEM_TAG_PREFIX}max_runtime": ("a number of seconds above 0", _is_positive_number),
    }
)

_EMPTY: Mapping[str, str] = MappingProxyType({})


def normalize_tags(tags: Mapping[str, Any] | None, where: str) -> Mapping[str, str]:
    """Check ``tags`` against the tag rules and return them as a read-only ``str -> str`` map.

    Raises :class:`~dagwright.errors.InvalidTagError` naming ``where``, the key
    and the rule broken.
    """
    if tags is None:
        return _EMPTY
    if not isinstance(tags, Mapping):
        raise InvalidTagError(reason="not_a_mapping", where=where, value=tags)
    if not tags:
        return _EMPTY
    return MappingProxyType(
        {_check_key(key, where): _tag_value(key, value, where) for key, value in tags.items()}
    )


def _check_key(key: object, where: str) -> str:
    if not isinstance(key, str):
        raise InvalidTagError(reason="key_not_str", where=where, key=key)
    if not _KEY.fullmatch(key):
        raise InvalidTagError(reason="key_format", where=where, key=key)
    if key.startswith(SYSTEM_TAG_PREFIX) and key not in USER_SYSTEM_TAGS:
        raise InvalidTagError(
            reason="reserved", where=where, key=key, settable=sorted(USER_SYSTEM_TAGS)
        )
    return key


def _tag_value(key: str, value: object, where: str) -> str:
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError):
            raise InvalidTagError(
                reason="value_not_json", where=where, key=key, value=value
            ) from None
    if len(text) > MAX_TAG_VALUE_LENGTH:
        raise InvalidTagError(
            reason="value_too_long",
            where=where,
            key=key,
            value=text,
            max_value_length=MAX_TAG_VALUE_LENGTH,
        )
    rule = USER_SYSTEM_TAGS.get(key)
    if rule is not None and not rule[1](text):
        raise InvalidTagError(
            reason="system_value", where=where, key=key, value=text, expected=rule[0]
        )
    return text
