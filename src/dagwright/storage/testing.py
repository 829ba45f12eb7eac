"""``instance_for_test``: a persistent instance in a throwaway home, for tests that need one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from .instance import Instance

__all__ = ["instance_for_test"]


@contextlib.contextmanager
def instance_for_test(
    overrides: Mapping[str, Any] | None = None,
    temp_dir: str | os.PathLike[str] | None = None,
) -> Iterator[Instance]:
    """A persistent (SQLite by default) instance in a temporary home, removed afterwards.

    ``overrides`` are settings as ``dagwright.yaml`` would hold them (checked
    the same way); ``temp_dir`` is a folder to use as the home (kept).
    """
    import shutil
    import tempfile

    from .settings import settings_from_mapping

    home = os.fspath(temp_dir) if temp_dir is not None else tempfile.mkdtemp(prefix="dagwright-")
    try:
        settings = settings_from_mapping(os.path.abspath(home), dict(overrides or {}))
        with Instance.from_settings(settings) as instance:
            yield instance
    finally:
        if temp_dir is None:
            shutil.rmtree(home, ignore_errors=True)
