"""The marker for "not given" where ``None`` is a meaningful value (shared by every layer)."""

from __future__ import annotations

from typing import Final, final

__all__ = ["NoValue", "NO_VALUE"]


@final
class NoValue:
    """The type of :data:`NO_VALUE`."""

    _instance: NoValue | None = None

    def __new__(cls) -> NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Final = NoValue()
