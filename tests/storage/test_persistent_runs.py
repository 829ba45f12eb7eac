"""What a run on a persistent instance leaves behind: secrets unread, logs captured, files kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dagwright import EventType, Instance, StringSource, job, op


@op(config_schema={"password": StringSource})
def connect(context) -> None:
    assert context.op_config["password"] == "hunter2"


@job
def uses_a_secret():
    connect()


def test_env_var_references_are_stored_as_references_never_as_the_secret(
    persistent_home: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "hunter2")
    config = {"ops": {"connect": {"config": {"password": {"env": "DB_PASSWORD"}}}}}
    run_id = uses_a_secret.execute_in_process(run_config=config, instance=persistent_home).run_id
    run = persistent_home.get_run_by_id(run_id)
    assert run is not None
    assert run.run_config == config
    assert all("hunter2" not in e.to_json().decode() for e in persistent_home.all_logs(run_id))


def test_the_secret_never_reaches_the_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "hunter2")
    config = {"ops": {"connect": {"config": {"password": {"env": "DB_PASSWORD"}}}}}
    with Instance.from_home(tmp_path) as instance:
        uses_a_secret.execute_in_process(run_config=config, instance=instance)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "storage").glob("dagwright.db*"))
    assert b"DB_PASSWORD" in stored
    assert b"hunter2" not in stored


@op
def talkative() -> int:
    print("rows: 3")
    print("careful", file=__import__("sys").stderr)
    return 3


@job
def prints():
    talkative()


def test_what_a_step_prints_is_captured_and_announced(persistent_home: Instance) -> None:
    run_id = prints.execute_in_process(instance=persistent_home).run_id
    [captured] = persistent_home.all_logs(run_id, of_type=EventType.LOGS_CAPTURED)
    assert captured.step_key == "talkative"
    data = captured.event.logs_captured_data  # type: ignore[union-attr]
    assert Path(data.stdout_path).read_text() == "rows: 3\n"
    manager = persistent_home.compute_log_manager
    assert manager is not None
    assert manager.read(run_id, "talkative").data == "rows: 3\n"
    assert "careful" in manager.read(run_id, "talkative", "stderr").data


def test_compute_logs_live_under_the_instance_home(persistent_home: Instance) -> None:
    run_id = prints.execute_in_process(instance=persistent_home).run_id
    stdout, _ = persistent_home.compute_log_manager.paths(run_id, "talkative")  # type: ignore[union-attr]
    assert str(stdout).startswith(str(persistent_home.root_directory))


def test_an_ephemeral_run_captures_nothing() -> None:
    result = prints.execute_in_process()
    assert result.run.status.value == "SUCCESS"
    assert not any(e.event_type_value == "LOGS_CAPTURED" for e in result.all_events)


def test_deleting_a_run_deletes_its_captured_logs(persistent_home: Instance) -> None:
    run_id = prints.execute_in_process(instance=persistent_home).run_id
    stdout, _ = persistent_home.compute_log_manager.paths(run_id, "talkative")  # type: ignore[union-attr]
    assert stdout.exists()
    persistent_home.delete_run(run_id)
    assert not stdout.exists()


def test_outputs_of_a_persistent_run_are_files_under_the_home(persistent_home: Instance) -> None:
    run_id = prints.execute_in_process(instance=persistent_home).run_id
    folder = Path(persistent_home.storage_directory()) / run_id
    assert folder.is_dir()
    assert os.listdir(folder)


def test_instance_get_opens_the_home_named_by_dagwright_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGWRIGHT_HOME", str(tmp_path / "home"))
    with Instance.get() as instance:
        run_id = prints.execute_in_process(instance=instance).run_id
        assert instance.root_directory == str(tmp_path / "home")
    assert (tmp_path / "home" / "storage" / "dagwright.db").exists()
    with Instance.from_home(tmp_path / "home") as again:
        assert again.has_run(run_id)


def test_local_temp_is_a_persistent_instance_of_its_own() -> None:
    with Instance.local_temp() as first, Instance.local_temp() as second:
        assert first.is_persistent
        run_id = prints.execute_in_process(instance=first).run_id
        assert first.has_run(run_id)
        assert not second.has_run(run_id)


def test_settings_choose_the_storage_and_the_folders(tmp_path: Path) -> None:
    (tmp_path / "dagwright.yaml").write_text(
        "storage:\n  sqlite:\n    base_dir: db\n"
        "local_artifact_storage:\n  base_dir: outputs\n"
        "compute_logs:\n  base_dir: captured\n"
    )
    with Instance.from_home(tmp_path) as instance:
        run_id = prints.execute_in_process(instance=instance).run_id
    assert (tmp_path / "db" / "dagwright.db").exists()
    assert (tmp_path / "outputs" / run_id).is_dir()
    assert (tmp_path / "captured").is_dir()


@op
def count(x: int) -> int:
    return x + 1


@op
def zero() -> int:
    return 0


@job
def counting():
    value = zero()
    for i in range(30):
        value = count.alias(f"c{i}")(value)


def test_a_forked_child_and_its_parent_record_runs_at_once(persistent_home: Instance) -> None:
    counting.execute_in_process(instance=persistent_home)  # the parent holds open connections
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit code
        code = 1
        try:
            code = (
                0
                if all(
                    counting.execute_in_process(instance=persistent_home).success for _ in range(3)
                )
                else 1
            )
        finally:
            os._exit(code)
    parent_ok = [counting.execute_in_process(instance=persistent_home).success for _ in range(3)]
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert all(parent_ok)
    assert persistent_home.get_runs_count() == 7


def test_instance_for_test_gives_a_persistent_instance_and_cleans_up() -> None:
    from dagwright import instance_for_test

    with instance_for_test() as instance:
        home = Path(str(instance.root_directory))
        assert instance.is_persistent
        assert prints.execute_in_process(instance=instance).success
        assert (home / "storage" / "dagwright.db").exists()
    assert not home.exists()


def test_instance_for_test_takes_settings_as_overrides(tmp_path: Path) -> None:
    from dagwright import instance_for_test

    overrides = {"compute_logs": {"base_dir": "captured"}}
    with instance_for_test(overrides, temp_dir=tmp_path) as instance:
        run_id = prints.execute_in_process(instance=instance).run_id
    assert (tmp_path / "captured" / run_id).is_dir()
