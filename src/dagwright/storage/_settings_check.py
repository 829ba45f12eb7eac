"""Checking instance settings: the schema of ``dagwright.yaml`` and the rules it cannot express.

:func:`check_settings` takes the parsed file and returns the resolved values
(defaults filled, environment variables read) with every problem found, each
with its path; :mod:`.settings` turns the values into typed settings. Nothing
here raises for bad input, and no message shows a secret's value.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .._sentinel import NO_VALUE
from ..config.types import (
    AnyType,
    Array,
    Bool,
    BoolSource,
    Field,
    Int,
    IntSource,
    Map,
    Permissive,
    ScalarUnion,
    Selector,
    Shape,
    String,
    StringSource,
)
from ..config.validate import validate
from ..errors import ConfigProblem
from ._secrets import MASK, is_env_reference, is_secret

__all__ = ["check_settings"]

_UNKNOWN = "FIELD_NOT_DEFINED"
_MISMATCH = "RUNTIME_TYPE_MISMATCH"
_SELECTOR = "SELECTOR_FIELD_ERROR"
_INVALID = "INVALID_VALUE"


def check_settings(raw: dict[str, Any]) -> tuple[dict[str, Any], list[ConfigProblem]]:
    """The settings in ``raw`` resolved, and every problem with them.

    In the resolved values, ``run_coordinator`` is ``{"immediate": {}}``,
    ``{"queued": {...}}`` or ``{"plugin": {module, class, config}}``.
    """
    problems: list[ConfigProblem] = []
    raw = _prepare_postgres(raw, problems)
    resolved = validate(_schema(), raw, "", problems)
    resolved["run_coordinator"] = _resolve_coordinator(
        raw.get("run_coordinator", NO_VALUE), problems
    )
    _check(resolved, problems)
    return resolved, [_with_dagster_hint(problem) for problem in problems]


def _optional(config: Any) -> Field:
    return Field(config, is_required=False)


def _plugin_shape() -> Shape:
    return Shape(
        {
            "module": Field(StringSource, description="the module that defines the class"),
            "class": Field(StringSource, description="the name of the class in that module"),
            "config": _optional(Permissive()),
        }
    )


@functools.cache
def _schema() -> Shape:
    days = ScalarUnion(
        Int, {status: _optional(Int) for status in ("skipped", "success", "failure")}
    )
    ticks = {"purge_after_days": _optional(days)}
    postgres = {
        "url": _optional(StringSource),
        "host": _optional(StringSource),
        "port": _optional(IntSource),
        "username": _optional(StringSource),
        "password": _optional(StringSource),
        "db_name": _optional(StringSource),
        "params": _optional(Map(str, StringSource, key_label_name="parameter")),
        "pool_size": _optional(IntSource),
    }
    return Shape(
        {
            "storage": _optional(
                Selector({"sqlite": {"base_dir": _optional(StringSource)}, "postgres": postgres})
            ),
            "local_artifact_storage": {"base_dir": _optional(StringSource)},
            "compute_logs": {"base_dir": _optional(StringSource)},
            "run_launcher": _optional(_plugin_shape()),
            "run_coordinator": _optional(AnyType()),  # two forms: see _resolve_coordinator
            "concurrency": {
                "default_op_concurrency_limit": _optional(IntSource),
                "pools": Field(Map(str, IntSource, key_label_name="pool"), default_value={}),
            },
            "retention": {"schedule": ticks, "sensor": ticks, "auto_materialize": ticks},
            "run_monitoring": {
                "enabled": Field(BoolSource, default_value=True),
                "poll_interval_seconds": Field(IntSource, default_value=5),
                "heartbeat_timeout_seconds": Field(IntSource, default_value=10),
                "start_timeout_seconds": Field(IntSource, default_value=180),
                "cancel_timeout_seconds": Field(IntSource, default_value=180),
                "max_runtime_seconds": _optional(IntSource),
                "max_resume_run_attempts": Field(IntSource, default_value=0),
            },
            "telemetry": {"enabled": Field(BoolSource, default_value=False)},
        }
    )


@functools.cache
def _coordinator_choices() -> Selector:
    tag_limit = Shape(
        {
            "key": StringSource,
            "value": _optional(ScalarUnion(String, {"applyLimitPerUniqueValue": Bool})),
            "limit": IntSource,
        }
    )
    queued = {
        "max_concurrent_runs": Field(IntSource, default_value=10),
        "tag_concurrency_limits": Field(Array(tag_limit), default_value=[]),
    }
    return Selector({"immediate": _optional(Shape({})), "queued": queued})


_COORDINATOR_HINT = (
    "Write run_coordinator: {immediate: {}}, or {queued: {max_concurrent_runs: 10}}, or name a "
    "class with {module: ..., class: ..., config: {...}}."
)


def _resolve_coordinator(value: Any, problems: list[ConfigProblem]) -> Any:
    """The checked run_coordinator: ``{"immediate": {}}``, ``{"queued": {...}}`` or a plugin."""
    path = "run_coordinator"
    if value is NO_VALUE:
        return {"immediate": {}}
    if isinstance(value, str):  # "run_coordinator: queued"
        value = {value: None}
    if isinstance(value, Mapping) and {"module", "class"} & set(value):
        return {"plugin": validate(_plugin_shape(), value, path, problems)}
    found: list[ConfigProblem] = []
    resolved = validate(_coordinator_choices(), value, path, found)
    for problem in found:
        at_choice = problem.path == path or (
            problem.reason == _UNKNOWN and problem.path.count(".") == 1
        )
        if at_choice and problem.fix is None:
            problem = ConfigProblem(
                problem.path, problem.problem, _COORDINATOR_HINT, problem.reason
            )
        problems.append(problem)
    return resolved


def _prepare_postgres(raw: dict[str, Any], problems: list[ConfigProblem]) -> dict[str, Any]:
    """``raw`` with numbers given where PostgreSQL wants strings (a password ``12345``, a
    parameter ``connect_timeout: 10``) as strings. A secret of a wrong type is reported
    without its value, and replaced by a placeholder so that checking goes on."""
    storage = raw.get("storage")
    if not isinstance(storage, Mapping) or not isinstance(storage.get("postgres"), Mapping):
        return raw
    section = dict(storage["postgres"])
    for key in ("url", "host", "username", "password", "db_name"):
        if key in section:
            section[key] = _as_text(section[key], f"storage.postgres.{key}", problems)
    params = section.get("params")
    if isinstance(params, Mapping):
        section["params"] = {
            name: _as_text(value, f"storage.postgres.params.{name}", problems)
            for name, value in params.items()
        }
    return {**raw, "storage": {**storage, "postgres": section}}


def _as_text(value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not is_secret(path) or isinstance(value, str) or is_env_reference(value):
        return value
    problems.append(
        ConfigProblem(
            path,
            f"expected str (or {{env: NAME}}) but got {type(value).__name__} (not shown: it may "
            "be a secret).",
            reason=_MISMATCH,
        )
    )
    return MASK


# --------------------------------------------------------------------------
# Checks the schema cannot express


_POSTGRES_URL_SCHEMES = frozenset({"postgresql", "postgres", "postgresql+psycopg"})
_POSTGRES_PARTS = ("host", "port", "username", "password", "db_name")


def _check(resolved: Mapping[str, Any], problems: list[ConfigProblem]) -> None:
    storage = resolved.get("storage")
    if isinstance(storage, Mapping) and len(storage) == 1:
        postgres = storage.get("postgres")
        if isinstance(postgres, Mapping):
            _check_postgres(postgres, problems)
    _check_coordinator(resolved.get("run_coordinator"), problems)
    concurrency = resolved.get("concurrency")
    if isinstance(concurrency, Mapping):
        _at_least(concurrency, "default_op_concurrency_limit", 0, "concurrency", problems)
        pools = concurrency.get("pools")
        if isinstance(pools, Mapping):
            for name in pools:
                _at_least(pools, name, 0, "concurrency.pools", problems)
    retention = resolved.get("retention")
    if isinstance(retention, Mapping):
        for kind, ticks in retention.items():
            days = ticks.get("purge_after_days") if isinstance(ticks, Mapping) else None
            path = f"retention.{kind}"
            if isinstance(days, Mapping):
                for status in days:
                    _at_least(days, status, -1, f"{path}.purge_after_days", problems, _FOREVER)
            elif days is not None:
                _at_least(ticks, "purge_after_days", -1, path, problems, _FOREVER)
    monitoring = resolved.get("run_monitoring")
    if isinstance(monitoring, Mapping):
        for key in (
            "poll_interval_seconds",
            "start_timeout_seconds",
            "cancel_timeout_seconds",
            "max_runtime_seconds",
        ):
            _at_least(monitoring, key, 1, "run_monitoring", problems)
        _at_least(monitoring, "heartbeat_timeout_seconds", 5, "run_monitoring", problems, _BEATS)
        _at_least(monitoring, "max_resume_run_attempts", 0, "run_monitoring", problems)


def _check_coordinator(coordinator: Any, problems: list[ConfigProblem]) -> None:
    queued = coordinator.get("queued") if isinstance(coordinator, Mapping) else None
    if not isinstance(queued, Mapping):
        return
    path = "run_coordinator.queued"
    _at_least(queued, "max_concurrent_runs", -1, path, problems, "-1: no limit")
    limits = queued.get("tag_concurrency_limits")
    if isinstance(limits, list):
        for index, limit in enumerate(limits):
            if isinstance(limit, Mapping):
                _at_least(limit, "limit", 0, f"{path}.tag_concurrency_limits[{index}]", problems)


_FOREVER = "-1 keeps them forever"
_BEATS = "runs beat every 2 seconds; a shorter timeout would end runs that are alive"


def _check_postgres(section: Mapping[str, Any], problems: list[ConfigProblem]) -> None:
    path = "storage.postgres"
    parts = [key for key in _POSTGRES_PARTS if key in section]
    if "url" in section and parts:
        problems.append(
            ConfigProblem(
                path,
                f"gives both url and {_listed(parts)}; the database is given by one or the other.",
                f"Keep url (it can hold all of them: postgresql://user:password@host:5432/db) "
                f"and remove {_listed(parts)}, or remove url.",
                reason=_SELECTOR,
            )
        )
    elif "url" not in section:
        missing = [key for key in ("host", "db_name") if key not in section]
        if missing:
            problems.append(
                ConfigProblem(
                    path,
                    f"needs url, or host and db_name; {_listed(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} missing.",
                    "Give url: postgresql://user:password@host:5432/db, or host: and db_name: "
                    "(with port:, username:, password: as needed).",
                    reason="MISSING_REQUIRED_FIELD",
                )
            )
    url = section.get("url")
    if isinstance(url, str) and url != MASK:
        _check_url(url, f"{path}.url", problems)
    _at_least(section, "port", 1, path, problems)
    _at_most(section, "port", 65535, path, problems)
    _at_least(section, "pool_size", 1, path, problems)


def _check_url(url: str, path: str, problems: list[ConfigProblem]) -> None:
    # The url holds the password: say what is wrong without showing it.
    scheme, separator, _ = url.partition("://")
    if not separator or scheme.lower() not in _POSTGRES_URL_SCHEMES:
        shown = f"the scheme '{scheme}'" if separator else "no scheme"
        problems.append(
            ConfigProblem(
                path,
                f"has {shown}; dagwright connects to PostgreSQL with psycopg 3.",
                "Write postgresql://user:password@host:5432/db (postgres:// and "
                "postgresql+psycopg:// work too).",
                reason=_INVALID,
            )
        )
        return
    try:
        _ = urlsplit(url).port  # reading it checks it
    except ValueError:
        problems.append(
            ConfigProblem(
                path,
                "has a port that is not a number from 0 to 65535.",
                "Write the port as a number after the host: host:5432. A password holding "
                "':', '@' or '/' must be percent-encoded (%3A, %40, %2F), or given with the "
                "parts (host:, password:, ...) instead of url.",
                reason=_INVALID,
            )
        )


def _listed(keys: list[str]) -> str:
    return ", ".join(keys[:-1]) + f" and {keys[-1]}" if len(keys) > 1 else keys[0]


def _at_least(
    section: Mapping[str, Any],
    key: str,
    minimum: int,
    path: str,
    problems: list[ConfigProblem],
    note: str | None = None,
) -> None:
    value = section.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value < minimum:
        extra = f" ({note})" if note else ""
        problems.append(
            ConfigProblem(
                f"{path}.{key}",
                f"must be at least {minimum}{extra}, got {value}.",
                reason=_INVALID,
            )
        )


def _at_most(
    section: Mapping[str, Any], key: str, maximum: int, path: str, problems: list[ConfigProblem]
) -> None:
    value = section.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value > maximum:
        problems.append(
            ConfigProblem(
                f"{path}.{key}", f"must be at most {maximum}, got {value}.", reason=_INVALID
            )
        )


# Sections and keys of Dagster's dagster.yaml that dagwright spells differently.
_DAGSTER_SPELLINGS = {
    "hostname": "dagwright calls it host.",
    "postgres_db": "dagwright takes its fields directly under postgres: (host, port, username, "
    "password, db_name).",
    "postgres_url": "dagwright calls it url.",
    "run_storage": "dagwright keeps runs, events and schedules in one storage: section, e.g. "
    "storage: {postgres: {url: ...}}.",
    "event_log_storage": "dagwright keeps runs, events and schedules in one storage: section.",
    "schedule_storage": "dagwright keeps runs, events and schedules in one storage: section.",
    "run_queue": "dagwright writes it as run_coordinator: {queued: {max_concurrent_runs: ...}}.",
}


def _with_dagster_hint(problem: ConfigProblem) -> ConfigProblem:
    key = problem.path.rsplit(".", 1)[-1]
    hint = _DAGSTER_SPELLINGS.get(key)
    if problem.reason != _UNKNOWN or hint is None or problem.fix is not None:
        return problem
    fix = f"'{key}' is how Dagster's dagster.yaml writes it; {hint}"
    return ConfigProblem(problem.path, problem.problem, fix, problem.reason)
