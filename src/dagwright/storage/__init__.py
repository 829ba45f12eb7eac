"""Storage: the instance and the stores behind it (runs, event logs)."""

from .instance import Instance

__all__ = ["Instance"]
