"""Run config from YAML: files, globs, strings and package resources, merged in order.

Later documents win: dicts merge key by key, at every depth; lists and
scalars are replaced. PyYAML is imported only when one of these is called.
"""

from __future__ import annotations

import glob
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InvalidInvocationError

__all__ = [
    "config_from_files",
    "config_from_yaml_strings",
    "config_from_pkg_resources",
    "deep_merge",
]


def deep_merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``update``: nested dicts merged, anything else replaced."""
    merged = dict(base)
    for key, value in update.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def _parse(text: str, source: str) -> dict[str, Any]:
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInvocationError(
            f"{source} is not valid YAML: {error}",
            where="run config",
            fix="fix the YAML (indentation, colons, quotes).",
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise InvalidInvocationError(
            f"{source} holds a value of type {type(loaded).__name__}, not a mapping of run config.",
            where="run config",
            fix="start the document with keys such as ops:, resources:.",
        )
    return loaded


def _check_sequence(value: object, name: str) -> None:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInvocationError(
            f"{name} must be a list, got {type(value).__name__} {value!r}.",
            where=name,
            fix=f"wrap it in a list: {name}([{value!r}]).",
        )


def config_from_files(config_files: Sequence[str | Path]) -> dict[str, Any]:
    """Run config from YAML files (globs allowed), merged in the order given."""
    _check_sequence(config_files, "config_from_files")
    merged: dict[str, Any] = {}
    for pattern in config_files:
        paths = sorted(glob.glob(str(pattern))) if glob.has_magic(str(pattern)) else [str(pattern)]
        found = [p for p in paths if Path(p).is_file()]
        if not found:
            raise InvalidInvocationError(
                f"'{pattern}' names no file.",
                where="config_from_files",
                fix="check the path (relative paths start from the current directory).",
            )
        for path in found:
            merged = deep_merge(merged, _parse(Path(path).read_text(), f"file '{path}'"))
    return merged


def config_from_yaml_strings(yaml_strings: Sequence[str]) -> dict[str, Any]:
    """Run config from YAML documents, merged in the order given."""
    _check_sequence(yaml_strings, "config_from_yaml_strings")
    merged: dict[str, Any] = {}
    for index, text in enumerate(yaml_strings):
        merged = deep_merge(merged, _parse(text, f"YAML document {index + 1}"))
    return merged


def config_from_pkg_resources(pkg_resource_defs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Run config from YAML files shipped in packages: ``[(package, filename), ...]``."""
    from importlib import resources

    _check_sequence(pkg_resource_defs, "config_from_pkg_resources")
    texts = []
    for entry in pkg_resource_defs:
        if not (isinstance(entry, tuple | list) and len(entry) == 2):
            raise InvalidInvocationError(
                f"each entry must be a (package, filename) pair, got {entry!r}.",
                where="config_from_pkg_resources",
                fix="write config_from_pkg_resources([('my_package', 'config.yaml')]).",
            )
        package, filename = entry
        try:
            texts.append(resources.files(package).joinpath(filename).read_text())
        except (ModuleNotFoundError, FileNotFoundError) as error:
            raise InvalidInvocationError(
                f"cannot read '{filename}' from package '{package}': {error}",
                where="config_from_pkg_resources",
            ) from None
    return config_from_yaml_strings(texts)
