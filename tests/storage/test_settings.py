"""Instance settings: dagwright.yaml read, checked, typed, and shown without secrets."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from dagwright.config.run_config import EnvVar
from dagwright.errors import InstanceConfigError, InvalidInvocationError
from dagwright.storage.settings import (
    ConcurrencySettings,
    ImmediateRunCoordinatorSettings,
    InstanceSettings,
    PluginSettings,
    PostgresStorageSettings,
    QueuedRunCoordinatorSettings,
    RetentionSettings,
    RunMonitoringSettings,
    SqliteStorageSettings,
    TagConcurrencyLimit,
    TickRetention,
    default_home,
    load_settings,
    settings_from_mapping,
)

HOME = "/srv/dagwright"


def _write(home: Path, text: str) -> Path:
    path = home / "dagwright.yaml"
    path.write_text(text)
    return path


def _settings(mapping: Any) -> InstanceSettings:
    return settings_from_mapping(HOME, mapping)


def _problems(mapping: Any) -> dict[str, str]:
    """Each problem's path mapped to its text (problem and fix)."""
    with pytest.raises(InstanceConfigError) as caught:
        settings_from_mapping(HOME, mapping)
    return {p.path: f"{p.problem} {p.fix}" if p.fix else p.problem for p in caught.value.problems}


def _postgres(**section: Any) -> PostgresStorageSettings:
    storage = _settings({"storage": {"postgres": section}}).storage
    assert isinstance(storage, PostgresStorageSettings)
    return storage


# --------------------------------------------------------------------------
# Defaults


def test_without_a_settings_file_every_setting_takes_its_default(tmp_path: Path) -> None:
    settings = load_settings(str(tmp_path))

    assert settings == InstanceSettings(
        home=str(tmp_path),
        storage=SqliteStorageSettings(base_dir=str(tmp_path / "storage")),
        local_artifact_dir=str(tmp_path / "storage"),
        compute_logs_dir=str(tmp_path / "logs"),
        run_launcher=None,
        run_coordinator=ImmediateRunCoordinatorSettings(),
        concurrency=ConcurrencySettings(default_op_concurrency_limit=None),
        retention=RetentionSettings(
            schedule=TickRetention(skipped=-1, success=-1, failure=-1),
            sensor=TickRetention(skipped=7, success=-1, failure=-1),
            auto_materialize=TickRetention(skipped=7, success=-1, failure=-1),
        ),
        run_monitoring=RunMonitoringSettings(
            enabled=True,
            poll_interval_seconds=5,
            heartbeat_timeout_seconds=10,
            start_timeout_seconds=180,
            cancel_timeout_seconds=180,
            max_runtime_seconds=None,
            max_resume_run_attempts=0,
        ),
        telemetry_enabled=False,
        file=None,
    )


def test_an_empty_settings_file_means_every_default(tmp_path: Path) -> None:
    path = _write(tmp_path, "# nothing yet\n")

    settings = load_settings(str(tmp_path))

    assert settings == dataclasses.replace(settings_from_mapping(str(tmp_path), {}), file=str(path))


def test_the_sqlite_database_is_a_file_in_the_storage_folder(tmp_path: Path) -> None:
    storage = load_settings(str(tmp_path)).storage

    assert isinstance(storage, SqliteStorageSettings)
    assert storage.db_path == str(tmp_path / "storage" / "dagwright.db")


def test_a_section_with_nothing_under_it_takes_its_defaults(tmp_path: Path) -> None:
    _write(tmp_path, "storage:\ncompute_logs:\nrun_coordinator:\nrun_monitoring:\n")

    settings = load_settings(str(tmp_path))

    assert settings.storage == SqliteStorageSettings(base_dir=str(tmp_path / "storage"))
    assert settings.compute_logs_dir == str(tmp_path / "logs")
    assert settings.run_coordinator == ImmediateRunCoordinatorSettings()
    assert settings.run_monitoring == RunMonitoringSettings()


def test_a_relative_home_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    assert load_settings("inst").home == str(tmp_path / "inst")


def test_default_home_is_dagwright_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DAGWRIGHT_HOME", str(tmp_path / "inst"))

    assert default_home() == str(tmp_path / "inst")


def test_default_home_expands_the_user_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DAGWRIGHT_HOME", "~/inst")

    assert default_home() == str(tmp_path / "inst")


def test_without_dagwright_home_the_home_is_dot_dagwright_in_the_user_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DAGWRIGHT_HOME", raising=False)

    assert default_home() == str(tmp_path / ".dagwright")


def test_importing_the_settings_module_does_not_import_yaml() -> None:
    code = "import sys, dagwright.storage.settings; print('yaml' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )

    assert completed.stdout.strip() == "False"


# --------------------------------------------------------------------------
# Paths


def test_a_relative_path_is_relative_to_the_home() -> None:
    settings = _settings({"compute_logs": {"base_dir": "var/logs"}})

    assert settings.compute_logs_dir == f"{HOME}/var/logs"


def test_an_absolute_path_is_kept() -> None:
    settings = _settings({"storage": {"sqlite": {"base_dir": "/data/db"}}})

    assert settings.storage == SqliteStorageSettings(base_dir="/data/db")


def test_a_path_starting_with_tilde_is_in_the_user_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", "/home/ada")

    settings = _settings({"local_artifact_storage": {"base_dir": "~/outputs"}})

    assert settings.local_artifact_dir == "/home/ada/outputs"


def test_a_path_can_come_from_an_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGS_DIR", "/mnt/logs")

    settings = _settings({"compute_logs": {"base_dir": {"env": "LOGS_DIR"}}})

    assert settings.compute_logs_dir == "/mnt/logs"


# --------------------------------------------------------------------------
# PostgreSQL


def test_a_postgres_url_is_given_the_psycopg_driver() -> None:
    storage = _postgres(url="postgresql://ada:pw@db.example.com:5433/runs")

    assert storage.sqlalchemy_url() == "postgresql+psycopg://ada:pw@db.example.com:5433/runs"


def test_a_postgres_url_may_use_the_short_scheme() -> None:
    storage = _postgres(url="postgres://ada:pw@db/runs")

    assert storage.sqlalchemy_url() == "postgresql+psycopg://ada:pw@db/runs"


def test_a_postgres_url_with_the_psycopg_driver_is_kept() -> None:
    storage = _postgres(url="postgresql+psycopg://ada@db/runs")

    assert storage.sqlalchemy_url() == "postgresql+psycopg://ada@db/runs"


def test_postgres_parts_make_a_url_with_the_default_port() -> None:
    storage = _postgres(host="db", username="ada", password="pw", db_name="runs")

    assert storage.port == 5432
    assert storage.sqlalchemy_url() == "postgresql+psycopg://ada:pw@db:5432/runs"


def test_special_characters_in_user_and_password_are_quoted() -> None:
    password = "p@ss:w/rd%?#&= é"
    storage = _postgres(host="db", username="ada@corp", password=password, db_name="runs")

    url = make_url(storage.sqlalchemy_url())

    assert (url.username, url.password, url.host, url.database) == (
        "ada@corp",
        password,
        "db",
        "runs",
    )


def test_postgres_params_are_added_to_the_url() -> None:
    storage = _postgres(
        host="db", db_name="runs", params={"sslmode": "require", "connect_timeout": 10}
    )

    url = make_url(storage.sqlalchemy_url())

    assert dict(url.query) == {"sslmode": "require", "connect_timeout": "10"}


def test_postgres_params_are_merged_into_the_query_of_a_url() -> None:
    storage = _postgres(url="postgresql://db/runs?sslmode=disable", params={"sslmode": "require"})

    assert storage.sqlalchemy_url() == "postgresql+psycopg://db/runs?sslmode=require"


def test_a_postgres_host_that_is_a_folder_is_the_server_socket() -> None:
    storage = _postgres(host="/var/run/postgresql", db_name="runs", username="ada")

    url = make_url(storage.sqlalchemy_url())

    assert url.host is None
    assert dict(url.query) == {"host": "/var/run/postgresql", "port": "5432"}


def test_an_ipv6_postgres_host_is_bracketed() -> None:
    storage = _postgres(host="::1", db_name="runs")

    assert make_url(storage.sqlalchemy_url()).host == "::1"


def test_a_numeric_postgres_password_is_read_as_text(tmp_path: Path) -> None:
    _write(tmp_path, "storage:\n  postgres:\n    host: db\n    db_name: runs\n    password: 1234\n")

    storage = load_settings(str(tmp_path)).storage

    assert isinstance(storage, PostgresStorageSettings)
    assert storage.password == "1234"


def test_postgres_pool_size_is_kept() -> None:
    assert _postgres(url="postgresql://db/runs", pool_size=5).pool_size == 5


def test_postgres_settings_built_in_code_need_url_or_host_and_db_name() -> None:
    with pytest.raises(InvalidInvocationError, match="either as url or as host and db_name"):
        PostgresStorageSettings(host="db")


# --------------------------------------------------------------------------
# Environment variables


def test_env_references_are_read_when_the_settings_are_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGUSER", "ada")
    monkeypatch.setenv("PGPASSWORD", "s3cret")
    monkeypatch.setenv("PGPORT", "6543")

    storage = _postgres(
        host="db",
        db_name="runs",
        username={"env": "PGUSER"},
        password={"env": "PGPASSWORD"},
        port={"env": "PGPORT"},
    )

    assert (storage.username, storage.password, storage.port) == ("ada", "s3cret", 6543)


def test_env_var_objects_are_read_like_env_references(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_URL", "postgresql://db/runs")

    storage = _postgres(url=EnvVar("PG_URL"))

    assert storage.url == "postgresql://db/runs"


def test_an_unset_environment_variable_is_named_with_its_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)

    problems = _problems(
        {"storage": {"postgres": {"host": "db", "db_name": "r", "password": {"env": "PGPASSWORD"}}}}
    )

    assert "environment variable 'PGPASSWORD' is not set" in problems["storage.postgres.password"]


# --------------------------------------------------------------------------
# Run launcher and run coordinator


def test_a_run_launcher_is_recorded_with_its_config() -> None:
    settings = _settings(
        {"run_launcher": {"module": "corp.launch", "class": "K8s", "config": {"ns": ["a", "b"]}}}
    )

    assert settings.run_launcher == PluginSettings(
        module="corp.launch", class_name="K8s", config={"ns": ("a", "b")}
    )


def test_a_plugin_config_cannot_be_changed() -> None:
    launcher = _settings({"run_launcher": {"module": "m", "class": "C", "config": {"a": {}}}})

    assert launcher.run_launcher is not None
    with pytest.raises(TypeError):
        launcher.run_launcher.config["a"]["b"] = 1  # type: ignore[index]


def test_a_queued_run_coordinator_has_limits() -> None:
    settings = _settings(
        {
            "run_coordinator": {
                "queued": {
                    "max_concurrent_runs": 4,
                    "tag_concurrency_limits": [
                        {"key": "database", "value": "redshift", "limit": 2},
                        {"key": "team", "value": {"applyLimitPerUniqueValue": True}, "limit": 1},
                        {"key": "heavy", "limit": 3},
                    ],
                }
            }
        }
    )

    assert settings.run_coordinator == QueuedRunCoordinatorSettings(
        max_concurrent_runs=4,
        tag_concurrency_limits=(
            TagConcurrencyLimit(key="database", value="redshift", limit=2),
            TagConcurrencyLimit(key="team", per_unique_value=True, limit=1),
            TagConcurrencyLimit(key="heavy", limit=3),
        ),
    )


def test_a_run_coordinator_may_be_named_by_its_kind_alone() -> None:
    settings = _settings({"run_coordinator": "queued"})

    assert settings.run_coordinator == QueuedRunCoordinatorSettings(max_concurrent_runs=10)


def test_the_immediate_run_coordinator_can_be_chosen() -> None:
    settings = _settings({"run_coordinator": {"immediate": {}}})

    assert settings.run_coordinator == ImmediateRunCoordinatorSettings()


def test_a_run_coordinator_class_of_ones_own_is_recorded() -> None:
    settings = _settings({"run_coordinator": {"module": "corp.coord", "class": "Fair"}})

    assert settings.run_coordinator == PluginSettings(module="corp.coord", class_name="Fair")


# --------------------------------------------------------------------------
# Concurrency, retention, run monitoring, telemetry


def test_pool_limits_fall_back_to_the_default_op_concurrency_limit() -> None:
    concurrency = _settings(
        {"concurrency": {"default_op_concurrency_limit": 1, "pools": {"database": 3}}}
    ).concurrency

    assert (concurrency.limit_for("database"), concurrency.limit_for("api")) == (3, 1)


def test_without_a_default_op_concurrency_limit_other_pools_have_no_limit() -> None:
    concurrency = _settings({"concurrency": {"pools": {"database": 3}}}).concurrency

    assert concurrency.limit_for("api") is None


def test_a_number_of_days_applies_to_ticks_of_every_status() -> None:
    retention = _settings({"retention": {"schedule": {"purge_after_days": 30}}}).retention

    assert retention.schedule == TickRetention(skipped=30, success=30, failure=30)


def test_days_given_by_status_leave_the_other_statuses_at_their_defaults() -> None:
    retention = _settings(
        {"retention": {"sensor": {"purge_after_days": {"failure": 30}}}}
    ).retention

    assert retention.sensor == TickRetention(skipped=7, success=-1, failure=30)


def test_run_monitoring_settings_are_read() -> None:
    settings = _settings(
        {
            "run_monitoring": {
                "enabled": False,
                "poll_interval_seconds": 15,
                "heartbeat_timeout_seconds": 30,
                "max_runtime_seconds": 3600,
                "max_resume_run_attempts": 2,
            }
        }
    )

    assert settings.run_monitoring == RunMonitoringSettings(
        enabled=False,
        poll_interval_seconds=15,
        heartbeat_timeout_seconds=30,
        max_runtime_seconds=3600,
        max_resume_run_attempts=2,
    )


def test_telemetry_can_be_turned_on() -> None:
    assert _settings({"telemetry": {"enabled": True}}).telemetry_enabled is True


def test_settings_cannot_be_changed() -> None:
    settings = _settings({"concurrency": {"pools": {"database": 3}}})

    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.home = "/elsewhere"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.concurrency.pools["database"] = 4  # type: ignore[index]


def test_settings_survive_pickling() -> None:
    settings = _settings(
        {
            "storage": {"postgres": {"url": "postgresql://db/r", "params": {"sslmode": "require"}}},
            "run_launcher": {"module": "m", "class": "C", "config": {"a": [1, {"b": 2}]}},
            "concurrency": {"pools": {"database": 3}},
        }
    )

    assert pickle.loads(pickle.dumps(settings)) == settings


# --------------------------------------------------------------------------
# Problems


def test_an_unknown_key_is_named_with_its_path_and_a_did_you_mean() -> None:
    problems = _problems({"storage": {"postgres": {"url": "postgresql://db/r", "pool_siz": 3}}})

    assert "Did you mean 'pool_size'?" in problems["storage.postgres.pool_siz"]


def test_an_unknown_section_is_named_with_a_did_you_mean() -> None:
    problems = _problems({"compute_log": {"base_dir": "logs"}})

    assert "Did you mean 'compute_logs'?" in problems["compute_log"]


def test_a_dagster_spelling_is_translated() -> None:
    problems = _problems({"run_queue": {"max_concurrent_runs": 3}})

    assert "run_coordinator: {queued:" in problems["run_queue"]


def test_a_value_of_the_wrong_type_is_named_with_its_path() -> None:
    problems = _problems({"run_monitoring": {"poll_interval_seconds": "often"}})

    assert "expected int" in problems["run_monitoring.poll_interval_seconds"]


def test_sqlite_and_postgres_together_are_a_problem() -> None:
    problems = _problems({"storage": {"sqlite": {}, "postgres": {"url": "postgresql://db/runs"}}})

    assert "got 'sqlite' and 'postgres'" in problems["storage"]


def test_postgres_without_url_or_host_and_db_name_is_a_problem() -> None:
    problems = _problems({"storage": {"postgres": {"host": "db"}}})

    assert "needs url, or host and db_name; db_name is missing" in problems["storage.postgres"]


def test_postgres_url_and_parts_together_are_a_problem() -> None:
    problems = _problems(
        {"storage": {"postgres": {"url": "postgresql://db/runs", "host": "db", "port": 5432}}}
    )

    assert "gives both url and host and port" in problems["storage.postgres"]


def test_a_url_of_another_database_is_a_problem_that_does_not_show_the_url() -> None:
    problems = _problems({"storage": {"postgres": {"url": "mysql://ada:s3cret@db/runs"}}})

    assert "has the scheme 'mysql'" in problems["storage.postgres.url"]
    assert "s3cret" not in problems["storage.postgres.url"]


def test_a_password_of_the_wrong_type_is_a_problem_that_does_not_show_it() -> None:
    problems = _problems(
        {"storage": {"postgres": {"host": "db", "db_name": "r", "password": ["s3cret"]}}}
    )

    assert "expected str" in problems["storage.postgres.password"]
    assert "s3cret" not in problems["storage.postgres.password"]


@pytest.mark.parametrize(
    ("mapping", "path"),
    [
        ({"storage": {"postgres": {"host": "db", "db_name": "r", "port": 70000}}}, "port"),
        ({"retention": {"schedule": {"purge_after_days": -2}}}, "purge_after_days"),
        ({"run_coordinator": {"queued": {"max_concurrent_runs": -5}}}, "max_concurrent_runs"),
        ({"concurrency": {"pools": {"database": -1}}}, "database"),
        ({"run_monitoring": {"poll_interval_seconds": 0}}, "poll_interval_seconds"),
        ({"run_monitoring": {"heartbeat_timeout_seconds": 2}}, "heartbeat_timeout_seconds"),
    ],
)
def test_a_number_out_of_range_is_a_problem(mapping: dict[str, Any], path: str) -> None:
    problems = _problems(mapping)

    ((where, text),) = problems.items()
    assert where.endswith(path)
    assert "must be at" in text


def test_every_problem_is_reported_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET", raising=False)

    problems = _problems(
        {
            "storage": {"postgres": {"host": "db"}},
            "compute_logs": {"base_dir": {"env": "NOT_SET"}},
            "telemetry": {"enabled": "maybe"},
            "run_coordinator": {"queud": {}},
        }
    )

    assert set(problems) == {
        "storage.postgres",
        "compute_logs.base_dir",
        "telemetry.enabled",
        "run_coordinator.queud",
    }


def test_the_message_names_the_file_each_path_and_the_fix(tmp_path: Path) -> None:
    path = _write(tmp_path, "storage:\n  sqlite:\n    base_dr: db\ncompute_logs: 3\n")

    with pytest.raises(InstanceConfigError) as caught:
        load_settings(str(tmp_path))

    message = str(caught.value)
    assert message.startswith(f"The instance settings file '{path}' has 2 problems:")
    assert "  - storage.sqlite.base_dr: is not a field here. Did you mean 'base_dir'?" in message
    assert "  - compute_logs: expected" in message
    assert message.endswith(
        f"  Fix: correct them in '{path}'; docs/instance.md lists every setting and its default."
    )
    assert caught.value.file == str(path)


def test_invalid_yaml_is_a_problem_naming_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "storage:\n  sqlite:\n    base_dir: a: b\n")

    with pytest.raises(InstanceConfigError) as caught:
        load_settings(str(tmp_path))

    assert (caught.value.file, caught.value.line) == (str(path), 3)
    assert "is not valid YAML at line 3" in str(caught.value)
    assert f"correct the YAML at line 3 of '{path}'" in str(caught.value)


def test_an_unclosed_bracket_is_reported_with_the_line_that_opened_it(tmp_path: Path) -> None:
    _write(tmp_path, "storage:\n  sqlite: [1, 2\ncompute_logs: {}\n")

    with pytest.raises(InstanceConfigError, match="started at line 2"):
        load_settings(str(tmp_path))


def test_a_file_that_is_not_a_mapping_is_a_problem(tmp_path: Path) -> None:
    _write(tmp_path, "- storage\n- sqlite\n")

    with pytest.raises(InstanceConfigError, match=r"must be a mapping of sections.*got list"):
        load_settings(str(tmp_path))


def test_a_file_that_is_not_text_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "dagwright.yaml").write_bytes(b"storage: \xff\xfe\n")

    with pytest.raises(InstanceConfigError, match="cannot be read"):
        load_settings(str(tmp_path))


def test_the_error_survives_pickling() -> None:
    with pytest.raises(InstanceConfigError) as caught:
        settings_from_mapping(HOME, {"storag": {}}, file="/x/dagwright.yaml")

    copy = pickle.loads(pickle.dumps(caught.value))

    assert (str(copy), copy.file, copy.problems) == (
        str(caught.value),
        "/x/dagwright.yaml",
        caught.value.problems,
    )


# --------------------------------------------------------------------------
# Showing the settings


def test_the_display_form_has_the_shape_of_the_file() -> None:
    shown = _settings({"run_coordinator": "queued"}).display()

    assert shown["storage"] == {
        "sqlite": {"base_dir": f"{HOME}/storage", "db_path": f"{HOME}/storage/dagwright.db"}
    }
    assert shown["run_coordinator"] == {
        "queued": {"max_concurrent_runs": 10, "tag_concurrency_limits": []}
    }
    assert shown["run_launcher"] == "default"


def test_the_display_form_masks_the_postgres_password() -> None:
    settings = _settings(
        {
            "storage": {
                "postgres": {"host": "db", "username": "ada", "password": "s3cret", "db_name": "r"}
            }
        }
    )

    shown = settings.display()

    assert shown["storage"] == {
        "postgres": {"url": "postgresql+psycopg://ada:***@db:5432/r", "pool_size": None}
    }
    assert "s3cret" not in repr(settings)


def test_the_display_form_masks_the_password_in_a_url() -> None:
    settings = _settings(
        {"storage": {"postgres": {"url": "postgresql://ada:s3cret@db/r?sslpassword=k3y"}}}
    )

    assert settings.display()["storage"]["postgres"]["url"] == (
        "postgresql+psycopg://ada:***@db/r?sslpassword=***"
    )
    assert "s3cret" not in repr(settings)
    assert "k3y" not in repr(settings)


def test_the_display_form_masks_a_password_holding_an_unencoded_slash() -> None:
    storage = PostgresStorageSettings(url="postgresql://ada:s3/cret@db/r")

    assert storage.display_url() == "postgresql+psycopg://ada:***@db/r"


def test_the_display_form_masks_secrets_in_a_launcher_config() -> None:
    settings = _settings(
        {
            "run_launcher": {
                "module": "m",
                "class": "C",
                "config": {
                    "api_token": "t0ken",
                    "dsn": "postgresql://ada:s3cret@db/r",
                    "password": {"env": "LAUNCH_PW"},
                    "namespace": "data",
                },
            }
        }
    )

    assert settings.display()["run_launcher"]["config"] == {
        "api_token": "***",
        "dsn": "postgresql://ada:***@db/r",
        "password": {"env": "LAUNCH_PW"},
        "namespace": "data",
    }
    assert "t0ken" not in repr(settings)
