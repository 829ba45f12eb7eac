"""The ``dagwright`` command line (thin: parse, call a layer, print)."""

from .main import main

__all__ = ["main"]
