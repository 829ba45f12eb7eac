"""Instance settings: ``$DAGWRIGHT_HOME/dagwright.yaml``, checked and turned into typed values.

The file is optional, and so is every section of it; what is left out takes
the default shown here. Relative paths are relative to the instance folder
(``home``); ``~`` is expanded. Any string or integer setting may be read from
an environment variable when the settings are loaded, written ``{env: NAME}``.

.. code-block:: yaml

    storage:                    # one of sqlite / postgres; default: sqlite
      sqlite:
        base_dir: storage       # default <home>/storage; the database is <base_dir>/dagwright.db
      # or
      postgres:                 # either url ...
        url: postgresql://user:password@host:5432/db   # postgres:// works too
        # ... or host and db_name (and port, username, password):
        host: localhost
        port: 5432              # default 5432
        username: {env: PGUSER}
        password: {env: PGPASSWORD}
        db_name: dagwright
        params: {sslmode: require}   # extra connection parameters, with url or parts
        pool_size: 5            # default: SQLAlchemy's
    local_artifact_storage:
      base_dir: storage         # default <home>/storage: where fs_io_manager keeps outputs
    compute_logs:
      base_dir: logs            # default <home>/logs
    run_launcher:               # default: dagwright's own launcher
      module: my_company.launchers
      class: K8sLauncher
      config: {namespace: data}   # checked by the class when it is built, not here
    run_coordinator:            # default: immediate (runs start when submitted)
      immediate: {}             # also written `run_coordinator: immediate`
      # or
      queued:                   # runs wait in a queue the daemon drains
        max_concurrent_runs: 10   # default 10; -1: no limit
        tag_concurrency_limits:   # default none
          - {key: database, value: redshift, limit: 2}
          - {key: team, value: {applyLimitPerUniqueValue: true}, limit: 1}
          - {key: heavy, limit: 1}           # any value of the tag
      # or a class of your own: {module: ..., class: ..., config: {...}}
    concurrency:
      default_op_concurrency_limit: 1   # for pools not listed below; default: no limit
      pools: {database: 3}              # pool name -> ops of that pool running at once
    retention:                  # days to keep schedule/sensor ticks; -1 keeps them forever
      schedule: {purge_after_days: 30}            # default: forever
      sensor:                                     # default: skipped 7, others forever
        purge_after_days: {skipped: 7, success: -1, failure: 30}
      auto_materialize: {purge_after_days: 7}     # default: as for sensors
    run_monitoring:
      enabled: true               # default true: runs whose worker died are marked failed
      poll_interval_seconds: 5    # default 5: how often the monitor checks runs in progress
      heartbeat_timeout_seconds: 10  # default 10: a run's process silent this long has died
      start_timeout_seconds: 180  # default 180: a run stuck in STARTING fails after this
      cancel_timeout_seconds: 180 # default 180: a run stuck in CANCELING is marked canceled
      max_runtime_seconds: 3600   # default: no limit
      max_resume_run_attempts: 0  # default 0: a run whose worker died is not resumed
    telemetry:
      enabled: false              # dagwright sends nothing; kept for Dagster's files

Every problem in the file is reported at once (:class:`~dagwright.errors.InstanceConfigError`),
each with its path, with a did-you-mean for misspelled keys. The settings hold
resolved secrets (passwords read from the environment); print
:meth:`InstanceSettings.display`, never the fields themselves. ``repr`` masks
them too. Nothing here imports the run launcher or coordinator classes: they
are recorded (module, class, config) for the layers that use them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias
from urllib.parse import parse_qsl, quote, urlencode

from ..config.run_config import to_config_value
from ..errors import ConfigProblem, InstanceConfigError, InvalidInvocationError
from ._secrets import MASK, mask_url, masked
from ._settings_check import check_settings

__all__ = [
    "SETTINGS_FILE",
    "MASK",
    "InstanceSettings",
    "SqliteStorageSettings",
    "PostgresStorageSettings",
    "StorageSettings",
    "PluginSettings",
    "ImmediateRunCoordinatorSettings",
    "QueuedRunCoordinatorSettings",
    "TagConcurrencyLimit",
    "RunCoordinatorSettings",
    "ConcurrencySettings",
    "TickRetention",
    "RetentionSettings",
    "RunMonitoringSettings",
    "default_home",
    "load_settings",
    "settings_from_mapping",
]

SETTINGS_FILE = "dagwright.yaml"
"""The name of the settings file inside the instance folder."""

_MISMATCH = "RUNTIME_TYPE_MISMATCH"
_INVALID = "INVALID_VALUE"


# --------------------------------------------------------------------------
# The typed settings


class _FrozenDict(dict[str, Any]):
    """A dict that cannot be changed (settings are immutable), yet pickles and hashes."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("instance settings cannot be changed; load them again instead.")

    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_FrozenDict, (dict(self),))


@dataclass(frozen=True, slots=True)
class SqliteStorageSettings:
    """Runs, events and schedules in one SQLite file under ``base_dir``."""

    base_dir: str

    @property
    def db_path(self) -> str:
        """The SQLite database file: ``<base_dir>/dagwright.db``."""
        return os.path.join(self.base_dir, "dagwright.db")

    def display(self) -> dict[str, Any]:
        return {"sqlite": {"base_dir": self.base_dir, "db_path": self.db_path}}


@dataclass(frozen=True, slots=True, repr=False)
class PostgresStorageSettings:
    """Runs, events and schedules in a PostgreSQL database, given by ``url`` or by its parts.

    Exactly one of the two forms is set: ``url``, or ``host`` and ``db_name``
    (with ``port``, ``username``, ``password``). ``params`` are extra
    connection parameters added to either form.
    """

    url: str | None = None
    host: str | None = None
    port: int = 5432
    username: str | None = None
    password: str | None = None
    db_name: str | None = None
    params: Mapping[str, str] = field(default_factory=_FrozenDict)
    pool_size: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _FrozenDict(self.params))
        by_url = self.url is not None and self.host is None and self.db_name is None
        by_parts = self.url is None and self.host is not None and self.db_name is not None
        if by_url or by_parts:
            return
        raise InvalidInvocationError(
            "give the database either as url or as host and db_name, not both or neither.",
            where="PostgresStorageSettings",
            fix="PostgresStorageSettings(url='postgresql://user:password@host:5432/db') or "
            "PostgresStorageSettings(host='localhost', db_name='dagwright', ...).",
        )

    def sqlalchemy_url(self) -> str:
        """The URL to hand to SQLAlchemy: the psycopg 3 driver, user and password quoted.

        It holds the password: give it to ``create_engine``, never print it
        (:meth:`display_url` is the printable form).
        """
        if self.url is not None:
            _, _, rest = self.url.partition("://")
            base = f"postgresql+psycopg://{rest}"
            return _with_query(base, self.params)
        host, db_name = self.host or "", self.db_name or ""  # both set: see __post_init__
        auth = ""
        if self.username is not None or self.password is not None:
            auth = quote(self.username or "", safe="")
            if self.password is not None:
                auth += ":" + quote(self.password, safe="")
            auth += "@"
        params = dict(self.params)
        if host.startswith("/"):  # a folder holding the server's Unix socket
            params = {"host": host, "port": str(self.port), **params}
            server = ""
        else:
            server = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
        base = f"postgresql+psycopg://{auth}{server}/{quote(db_name, safe='')}"
        return _with_query(base, params)

    def display_url(self) -> str:
        """:meth:`sqlalchemy_url` with the password (and any password parameter) as ``***``."""
        return mask_url(self.sqlalchemy_url())

    def display(self) -> dict[str, Any]:
        return {"postgres": {"url": self.display_url(), "pool_size": self.pool_size}}

    def __repr__(self) -> str:
        return f"PostgresStorageSettings(url={self.display_url()!r}, pool_size={self.pool_size!r})"


StorageSettings: TypeAlias = SqliteStorageSettings | PostgresStorageSettings


@dataclass(frozen=True, slots=True, repr=False)
class PluginSettings:
    """A class named by the settings (a run launcher or coordinator): where it is and its config.

    The class is not imported here; ``config`` is passed to it as written
    (``{env: NAME}`` references unresolved) and checked by it when it is built.
    """

    module: str
    class_name: str
    config: Mapping[str, Any] = field(default_factory=_FrozenDict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", _frozen(self.config))

    def display(self) -> dict[str, Any]:
        return {"module": self.module, "class": self.class_name, "config": masked(self.config)}

    def __repr__(self) -> str:
        config = masked(self.config)
        return f"PluginSettings({self.module!r}, {self.class_name!r}, config={config!r})"


@dataclass(frozen=True, slots=True)
class ImmediateRunCoordinatorSettings:
    """Runs are handed to the run launcher as soon as they are submitted (no queue)."""

    def display(self) -> dict[str, Any]:
        return {"immediate": {}}


@dataclass(frozen=True, slots=True)
class TagConcurrencyLimit:
    """At most ``limit`` queued runs with tag ``key`` in progress at once.

    ``value`` narrows it to runs whose tag has that value (None: any value);
    ``per_unique_value`` applies the limit to each value separately (Dagster's
    ``applyLimitPerUniqueValue``).
    """

    key: str
    limit: int
    value: str | None = None
    per_unique_value: bool = False

    def display(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"key": self.key}
        if self.per_unique_value:
            shown["value"] = {"applyLimitPerUniqueValue": True}
        elif self.value is not None:
            shown["value"] = self.value
        shown["limit"] = self.limit
        return shown


@dataclass(frozen=True, slots=True)
class QueuedRunCoordinatorSettings:
    """Submitted runs wait in a queue; the daemon starts them within these limits."""

    max_concurrent_runs: int = 10
    """Runs in progress at once; -1: no limit."""
    tag_concurrency_limits: tuple[TagConcurrencyLimit, ...] = ()

    def display(self) -> dict[str, Any]:
        return {
            "queued": {
                "max_concurrent_runs": self.max_concurrent_runs,
                "tag_concurrency_limits": [t.display() for t in self.tag_concurrency_limits],
            }
        }


RunCoordinatorSettings: TypeAlias = (
    ImmediateRunCoordinatorSettings | QueuedRunCoordinatorSettings | PluginSettings
)


@dataclass(frozen=True, slots=True)
class ConcurrencySettings:
    """Limits on ops running at once across all runs, by pool."""

    default_op_concurrency_limit: int | None = None
    """The limit of a pool not listed in ``pools``; None: no limit."""
    pools: Mapping[str, int] = field(default_factory=_FrozenDict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pools", _FrozenDict(self.pools))

    def limit_for(self, pool: str) -> int | None:
        """How many ops of ``pool`` may run at once (None: no limit)."""
        return self.pools.get(pool, self.default_op_concurrency_limit)

    def display(self) -> dict[str, Any]:
        return {
            "default_op_concurrency_limit": self.default_op_concurrency_limit,
            "pools": dict(self.pools),
        }


@dataclass(frozen=True, slots=True)
class TickRetention:
    """Days to keep the ticks of each status; -1 keeps them forever."""

    skipped: int = -1
    success: int = -1
    failure: int = -1

    def display(self) -> dict[str, Any]:
        return {"skipped": self.skipped, "success": self.success, "failure": self.failure}


_KEEP_FOREVER = TickRetention()
_DROP_SKIPPED_AFTER_A_WEEK = TickRetention(skipped=7)


@dataclass(frozen=True, slots=True)
class RetentionSettings:
    """How long schedule, sensor and auto-materialize ticks are kept."""

    schedule: TickRetention = _KEEP_FOREVER
    sensor: TickRetention = _DROP_SKIPPED_AFTER_A_WEEK
    auto_materialize: TickRetention = _DROP_SKIPPED_AFTER_A_WEEK

    def display(self) -> dict[str, Any]:
        return {
            name: {"purge_after_days": getattr(self, name).display()}
            for name in ("schedule", "sensor", "auto_materialize")
        }


@dataclass(frozen=True, slots=True)
class RunMonitoringSettings:
    """How the daemon watches runs in progress (a run whose worker died is marked failed)."""

    enabled: bool = True
    poll_interval_seconds: int = 5
    """How often the monitor looks for runs whose process died."""
    heartbeat_timeout_seconds: int = 10
    """A run whose process sent no heartbeat for this long has died (processes beat every 2 s)."""
    start_timeout_seconds: int = 180
    cancel_timeout_seconds: int = 180
    max_runtime_seconds: int | None = None
    """A run in progress longer than this is canceled; None: no limit."""
    max_resume_run_attempts: int = 0

    def display(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "poll_interval_seconds": self.poll_interval_seconds,
            "heartbeat_timeout_seconds": self.heartbeat_timeout_seconds,
            "start_timeout_seconds": self.start_timeout_seconds,
            "cancel_timeout_seconds": self.cancel_timeout_seconds,
            "max_runtime_seconds": self.max_runtime_seconds,
            "max_resume_run_attempts": self.max_resume_run_attempts,
        }


@dataclass(frozen=True, slots=True)
class InstanceSettings:
    """The settings of one instance folder (``home``), defaults filled, paths absolute.

    ``file`` is the settings file they were read from (None: no file, all
    defaults, or settings given as a mapping). ``run_launcher`` None means
    dagwright's own launcher.
    """

    home: str
    storage: StorageSettings
    local_artifact_dir: str
    compute_logs_dir: str
    run_launcher: PluginSettings | None = None
    run_coordinator: RunCoordinatorSettings = ImmediateRunCoordinatorSettings()
    concurrency: ConcurrencySettings = ConcurrencySettings()
    retention: RetentionSettings = RetentionSettings()
    run_monitoring: RunMonitoringSettings = RunMonitoringSettings()
    telemetry_enabled: bool = False
    file: str | None = None

    def display(self) -> dict[str, Any]:
        """These settings as plain data in the file's shape, safe to print: secrets are ``***``.

        This is what ``dagwright instance info`` shows.
        """
        return {
            "home": self.home,
            "file": self.file,
            "storage": self.storage.display(),
            "local_artifact_storage": {"base_dir": self.local_artifact_dir},
            "compute_logs": {"base_dir": self.compute_logs_dir},
            "run_launcher": self.run_launcher.display() if self.run_launcher else "default",
            "run_coordinator": self.run_coordinator.display(),
            "concurrency": self.concurrency.display(),
            "retention": self.retention.display(),
            "run_monitoring": self.run_monitoring.display(),
            "telemetry": {"enabled": self.telemetry_enabled},
        }


# --------------------------------------------------------------------------
# Loading


def default_home() -> str:
    """The instance folder: ``$DAGWRIGHT_HOME``, else ``~/.dagwright``; absolute."""
    home = os.environ.get("DAGWRIGHT_HOME") or os.path.join("~", ".dagwright")
    return os.path.abspath(os.path.expanduser(home))


def load_settings(home: str) -> InstanceSettings:
    """The settings of the instance at ``home``: ``<home>/dagwright.yaml``, or all defaults.

    A missing or empty file means all defaults. Raises InstanceConfigError,
    listing every problem, when the file is not valid YAML or its settings
    do not fit.
    """
    home = os.path.abspath(os.path.expanduser(home))
    path = os.path.join(home, SETTINGS_FILE)
    if not os.path.isfile(path):
        return settings_from_mapping(home, {})
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        problem = ConfigProblem("", f"The file cannot be read: {error}.", reason=_INVALID)
        raise InstanceConfigError(problems=[problem], file=path) from None
    return settings_from_mapping(home, _parse_yaml(text, path), file=path)


def _parse_yaml(text: str, path: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        what = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark is not None else None
        where = f" at line {line}, column {mark.column + 1}" if mark is not None else ""
        context, start = getattr(error, "context", None), getattr(error, "context_mark", None)
        if context and start is not None:  # where the unfinished construct began
            what += f" ({context} started at line {start.line + 1}, column {start.column + 1})"
        problem = ConfigProblem(
            "", f"The file is not valid YAML{where}: {what}.", reason="INVALID_YAML"
        )
        raise InstanceConfigError(problems=[problem], file=path, line=line) from None


def settings_from_mapping(
    home: str, mapping: Mapping[str, Any] | None, file: str | None = None
) -> InstanceSettings:
    """Settings from the parsed contents of a settings file (``file`` names it in errors).

    ``None`` (an empty file) means all defaults. ``EnvVar("NAME")`` values are
    read like ``{env: NAME}``. Raises InstanceConfigError listing every problem.
    """
    home = os.path.abspath(os.path.expanduser(home))
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, Mapping):
        problem = ConfigProblem(
            "",
            "The settings must be a mapping of sections (storage:, compute_logs:, "
            f"run_coordinator:, ...), got {type(mapping).__name__}.",
            reason=_MISMATCH,
        )
        raise InstanceConfigError(problems=[problem], file=file)
    # "section:" with nothing under it means the section's defaults.
    raw = {key: value for key, value in to_config_value(mapping).items() if value is not None}
    resolved, problems = check_settings(raw)
    if problems:
        raise InstanceConfigError(problems=problems, file=file)
    return InstanceSettings(
        home=home,
        storage=_storage(home, resolved.get("storage")),
        local_artifact_dir=_path(
            home, resolved["local_artifact_storage"].get("base_dir"), "storage"
        ),
        compute_logs_dir=_path(home, resolved["compute_logs"].get("base_dir"), "logs"),
        run_launcher=_plugin(resolved["run_launcher"]) if "run_launcher" in resolved else None,
        run_coordinator=_coordinator(resolved["run_coordinator"]),
        concurrency=ConcurrencySettings(
            default_op_concurrency_limit=resolved["concurrency"].get(
                "default_op_concurrency_limit"
            ),
            pools=resolved["concurrency"]["pools"],
        ),
        retention=_retention(resolved["retention"]),
        run_monitoring=RunMonitoringSettings(**resolved["run_monitoring"]),
        telemetry_enabled=resolved["telemetry"]["enabled"],
        file=file,
    )


# --------------------------------------------------------------------------
# Building the typed settings from checked values


def _path(home: str, value: str | None, default: str) -> str:
    given = os.path.expanduser(value if value is not None else default)
    return os.path.normpath(os.path.join(home, given))


def _storage(home: str, storage: Mapping[str, Any] | None) -> StorageSettings:
    if storage is None or "sqlite" in storage:
        base_dir = (storage or {}).get("sqlite", {}).get("base_dir")
        return SqliteStorageSettings(base_dir=_path(home, base_dir, "storage"))
    section = storage["postgres"]
    return PostgresStorageSettings(
        url=section.get("url"),
        host=section.get("host"),
        port=section.get("port", 5432),
        username=section.get("username"),
        password=section.get("password"),
        db_name=section.get("db_name"),
        params=section.get("params", {}),
        pool_size=section.get("pool_size"),
    )


def _plugin(section: Mapping[str, Any]) -> PluginSettings:
    return PluginSettings(
        module=section["module"],
        class_name=section["class"],
        config=section.get("config", {}),
    )


def _coordinator(resolved: Mapping[str, Any]) -> RunCoordinatorSettings:
    if "plugin" in resolved:
        return _plugin(resolved["plugin"])
    if "queued" in resolved:
        queued = resolved["queued"]
        return QueuedRunCoordinatorSettings(
            max_concurrent_runs=queued["max_concurrent_runs"],
            tag_concurrency_limits=tuple(_tag_limit(t) for t in queued["tag_concurrency_limits"]),
        )
    return ImmediateRunCoordinatorSettings()


def _tag_limit(item: Mapping[str, Any]) -> TagConcurrencyLimit:
    value = item.get("value")
    if isinstance(value, Mapping):  # {applyLimitPerUniqueValue: bool}
        return TagConcurrencyLimit(
            key=item["key"], limit=item["limit"], per_unique_value=value["applyLimitPerUniqueValue"]
        )
    return TagConcurrencyLimit(key=item["key"], limit=item["limit"], value=value)


def _retention(section: Mapping[str, Any]) -> RetentionSettings:
    defaults = RetentionSettings()
    return RetentionSettings(
        **{
            kind: _ticks(section[kind].get("purge_after_days"), getattr(defaults, kind))
            for kind in ("schedule", "sensor", "auto_materialize")
        }
    )


def _ticks(days: int | Mapping[str, int] | None, default: TickRetention) -> TickRetention:
    if days is None:
        return default
    if isinstance(days, int):
        return TickRetention(skipped=days, success=days, failure=days)
    return TickRetention(
        skipped=days.get("skipped", default.skipped),
        success=days.get("success", default.success),
        failure=days.get("failure", default.failure),
    )


def _frozen(value: Any) -> Any:
    """``value`` with every dict read-only and every list a tuple."""
    if isinstance(value, Mapping):
        return _FrozenDict({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def _with_query(url: str, params: Mapping[str, str]) -> str:
    if not params:
        return url
    base, _, query = url.partition("?")
    merged = dict(parse_qsl(query, keep_blank_values=True))
    merged.update(params)
    return f"{base}?{urlencode(merged)}"
