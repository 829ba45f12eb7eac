"""Partitions: the named slices of data a job or asset runs for (one per key)."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InvalidDefinitionError, InvalidInvocationError, did_you_mean

__all__ = ["PartitionsDefinition", "StaticPartitionsDefinition"]


class PartitionsDefinition:
    """A set of partition keys; a run of a partitioned job targets one of them."""

    def get_partition_keys(self) -> Sequence[str]:
        """Every partition key, in order."""
        raise TypeError(f"{type(self).__name__} must define get_partition_keys()")

    def has_partition_key(self, key: str) -> bool:
        return key in self.get_partition_keys()

    def check_partition_key(self, key: str, where: str) -> str:
        """Return ``key`` if it is one of the partitions, else raise naming nearby keys."""
        if not isinstance(key, str) or not self.has_partition_key(key):
            keys = list(self.get_partition_keys())
            sample = ", ".join(repr(k) for k in keys[:5]) + (", ..." if len(keys) > 5 else "")
            raise InvalidInvocationError(
                f"partition key {key!r} is not one of its partitions."
                f"{did_you_mean(str(key), keys)}",
                where=where,
                fix=f"use one of: {sample or '(no partitions)'}.",
            )
        return key


class StaticPartitionsDefinition(PartitionsDefinition):
    """A fixed list of partition keys (e.g. regions, customers)."""

    def __init__(self, partition_keys: Sequence[str]) -> None:
        keys = list(partition_keys)
        if len(set(keys)) != len(keys):
            duplicate = next(k for i, k in enumerate(keys) if k in keys[:i])
            raise InvalidDefinitionError(
                f"partition key {duplicate!r} is listed twice.",
                where="StaticPartitionsDefinition",
            )
        for key in keys:
            if not isinstance(key, str) or not key:
                raise InvalidDefinitionError(
                    f"partition keys must be non-empty strings, got {key!r}.",
                    where="StaticPartitionsDefinition",
                )
        self._keys = tuple(keys)
        self._key_set = frozenset(keys)

    def get_partition_keys(self) -> Sequence[str]:
        return self._keys

    def has_partition_key(self, key: str) -> bool:
        return key in self._key_set

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StaticPartitionsDefinition) and self._keys == other._keys

    def __hash__(self) -> int:
        return hash(self._keys)

    def __repr__(self) -> str:
        return f"StaticPartitionsDefinition({list(self._keys)!r})"
