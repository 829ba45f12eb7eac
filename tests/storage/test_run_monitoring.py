"""Run monitoring: runs beat while in progress; a run whose process died is ended, saying why."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from dagwright import EventType, Instance, InvalidInvocationError, RunStatus, job, op
from dagwright.execution.logs import RunLog
from dagwright.records import EngineEventData, Event, EventLogEntry, Run, RunFailureData
from dagwright.storage.run_monitoring import RUN_WORKER_DIED, START_TIMEOUT, watch

from .conftest import empty_postgres

TIMEOUT = 10.0  # run_monitoring.heartbeat_timeout_seconds by default


# -- homes other processes can open too ---------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def home(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """An instance folder on SQLite or PostgreSQL, opened with Instance.from_home by anyone."""
    folder = tmp_path / "home"
    folder.mkdir()
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    if url is not None:
        write_settings(folder, {"storage": {"postgres": {"url": url}}})
    yield folder
    if url is not None:
        empty_postgres(url)


def write_settings(home: Path, extra: dict[str, Any]) -> None:
    """Add sections to the home's dagwright.yaml."""
    path = home / "dagwright.yaml"
    settings = yaml.safe_load(path.read_text()) if path.exists() else {}
    path.write_text(yaml.safe_dump({**settings, **extra}))


# -- runs in a given state -------------------------------------------------------


def entry(run_id: str, kind: EventType) -> EventLogEntry:
    event = Event(event_type_value=kind.value, job_name="nightly")
    return EventLogEntry(
        run_id=run_id, timestamp=time.time(), level=10, user_message="", event=event
    )


def run_in(instance: Instance, run_id: str, *moves: EventType) -> str:
    """A recorded run of job "nightly" moved by run events (RUN_START, RUN_CANCELING, ...)."""
    instance.add_run(Run(run_id=run_id, job_name="nightly"))
    instance.store_events([entry(run_id, kind) for kind in moves])
    return run_id


def status_of(instance: Instance, run_id: str) -> RunStatus:
    run = instance.get_run_by_id(run_id)
    assert run is not None
    return run.status


def ending_events(instance: Instance, run_id: str) -> list[EventLogEntry]:
    """The run's events after its RUN_START (what monitoring added)."""
    logs = instance.all_logs(run_id)
    kinds = [e.event_type for e in logs]
    return logs[kinds.index(EventType.RUN_START) + 1 :]


def eventually(found: Callable[[], Any], what: str) -> Any:
    """``found()`` as soon as it is truthy (a safety deadline only: nothing is timed)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"never saw {what}")


# -- storage: heartbeats and the runs they leave behind (every backend) ---------


def test_a_heartbeat_is_kept_on_the_run_record_without_counting_as_an_update(
    instance: Instance,
) -> None:
    run_id = run_in(instance, "r1", EventType.RUN_START)
    before = instance.get_run_record_by_id(run_id)
    assert before is not None
    assert before.heartbeat_timestamp is None

    instance.record_heartbeat(run_id, 1234.5)

    after = instance.get_run_record_by_id(run_id)
    assert after is not None
    assert after.heartbeat_timestamp == 1234.5
    assert after.update_timestamp == before.update_timestamp


def test_stale_runs_are_the_runs_in_progress_silent_since_the_cutoff(instance: Instance) -> None:
    now = time.time()
    for run_id, moves in {
        "silent": [EventType.RUN_START],
        "beating": [EventType.RUN_START],
        "starting": [EventType.RUN_STARTING],
        "canceling": [EventType.RUN_START, EventType.RUN_CANCELING],
        "finished": [EventType.RUN_START, EventType.RUN_SUCCESS],
        "not-started": [],
    }.items():
        run_in(instance, run_id, *moves)
        instance.record_heartbeat(run_id, now - 60)
    instance.record_heartbeat("beating", now)

    stale = instance.storage.get_stale_runs(now - TIMEOUT)

    assert [r.run.run_id for r in stale] == ["silent", "starting", "canceling"]
    assert stale[0].heartbeat_timestamp == now - 60


def test_a_run_that_never_beat_is_stale_by_the_last_change_of_its_record(
    instance: Instance,
) -> None:
    run_id = run_in(instance, "old", EventType.RUN_START)
    record = instance.get_run_record_by_id(run_id)
    assert record is not None

    assert instance.storage.get_stale_runs(record.update_timestamp) == []
    assert instance.storage.get_stale_runs(record.update_timestamp + 1) == [record]


def test_ending_events_are_stored_when_the_run_is_as_it_was_seen(instance: Instance) -> None:
    run_id = run_in(instance, "r1", EventType.RUN_START)
    instance.record_heartbeat(run_id, 100.0)
    (seen,) = instance.storage.get_stale_runs(time.time())

    stored = instance.storage.store_events_if_run_unchanged(
        seen, [entry(run_id, EventType.RUN_FAILURE)]
    )

    assert stored is True
    assert status_of(instance, run_id) == RunStatus.FAILURE


def test_ending_events_are_dropped_when_the_run_finished_after_it_was_seen(
    instance: Instance,
) -> None:
    run_id = run_in(instance, "r1", EventType.RUN_START)
    (seen,) = instance.storage.get_stale_runs(time.time() + 60)
    instance.store_events([entry(run_id, EventType.RUN_SUCCESS)])

    stored = instance.storage.store_events_if_run_unchanged(
        seen, [entry(run_id, EventType.RUN_FAILURE)]
    )

    assert stored is False
    assert status_of(instance, run_id) == RunStatus.SUCCESS
    assert EventType.RUN_FAILURE not in [e.event_type for e in instance.all_logs(run_id)]


def test_ending_events_are_dropped_when_the_run_beat_after_it_was_seen(
    instance: Instance,
) -> None:
    run_id = run_in(instance, "r1", EventType.RUN_START)
    instance.record_heartbeat(run_id, 100.0)
    (seen,) = instance.storage.get_stale_runs(time.time())
    instance.record_heartbeat(run_id, 200.0)

    stored = instance.storage.store_events_if_run_unchanged(
        seen, [entry(run_id, EventType.RUN_FAILURE)]
    )

    assert stored is False
    assert status_of(instance, run_id) == RunStatus.STARTED


# -- Instance.check_runs -----------------------------------------------------------


def test_a_started_run_whose_heartbeat_stopped_is_marked_failed_saying_why(
    persistent_home: Instance,
) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START)
    persistent_home.record_heartbeat(run_id, 1000.0)

    marked = persistent_home.check_runs(now=1000.0 + TIMEOUT + 1)

    assert marked == [run_id]
    assert status_of(persistent_home, run_id) == RunStatus.FAILURE
    why, failure = ending_events(persistent_home, run_id)
    assert why.event_type == EventType.ENGINE_EVENT
    assert "last sent a heartbeat" in why.user_message
    assert "heartbeat timeout of 10 s" in why.user_message
    assert why.event is not None
    assert isinstance(why.event.event_specific_data, EngineEventData)
    assert why.event.event_specific_data.metadata["last_heartbeat"].value == 1000.0
    assert failure.event_type == EventType.RUN_FAILURE
    assert failure.event is not None
    assert failure.event.event_specific_data == RunFailureData(reason=RUN_WORKER_DIED)
    assert "its process died" in failure.user_message


def test_the_run_record_of_a_marked_run_has_an_end_time(persistent_home: Instance) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START)
    persistent_home.record_heartbeat(run_id, 1000.0)

    persistent_home.check_runs(now=1000.0 + TIMEOUT + 1)

    record = persistent_home.get_run_record_by_id(run_id)
    assert record is not None
    assert record.end_time is not None


def test_a_run_whose_heartbeat_is_within_the_timeout_is_left_alone(
    persistent_home: Instance,
) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START)
    persistent_home.record_heartbeat(run_id, 1000.0)

    assert persistent_home.check_runs(now=1000.0 + TIMEOUT - 1) == []
    assert status_of(persistent_home, run_id) == RunStatus.STARTED


def test_a_finished_run_is_never_marked(persistent_home: Instance) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START, EventType.RUN_SUCCESS)
    persistent_home.record_heartbeat(run_id, 1000.0)

    assert persistent_home.check_runs(now=time.time() + 3600) == []
    assert status_of(persistent_home, run_id) == RunStatus.SUCCESS


def test_a_run_is_marked_once(persistent_home: Instance) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START)
    persistent_home.record_heartbeat(run_id, 1000.0)

    assert persistent_home.check_runs(now=1000.0 + TIMEOUT + 1) == [run_id]
    assert persistent_home.check_runs(now=1000.0 + TIMEOUT + 2) == []
    failures = persistent_home.all_logs(run_id, of_type=EventType.RUN_FAILURE)
    assert len(failures) == 1


def test_a_canceling_run_whose_process_died_is_marked_canceled(
    persistent_home: Instance,
) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START, EventType.RUN_CANCELING)
    persistent_home.record_heartbeat(run_id, 1000.0)

    assert persistent_home.check_runs(now=1000.0 + TIMEOUT + 1) == [run_id]
    assert status_of(persistent_home, run_id) == RunStatus.CANCELED
    kinds = [e.event_type for e in persistent_home.all_logs(run_id)]
    assert kinds[-2:] == [EventType.ENGINE_EVENT, EventType.RUN_CANCELED]


def test_a_started_run_that_never_beat_is_judged_by_its_last_change(
    persistent_home: Instance,
) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START)

    assert persistent_home.check_runs(now=time.time() + TIMEOUT + 1) == [run_id]
    (why, _) = ending_events(persistent_home, run_id)
    assert "never sent a heartbeat" in why.user_message


def test_a_starting_run_that_never_beat_fails_only_after_the_start_timeout(
    persistent_home: Instance,
) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_STARTING)
    start_timeout = 180  # run_monitoring.start_timeout_seconds by default

    assert persistent_home.check_runs(now=time.time() + TIMEOUT + 1) == []
    assert persistent_home.check_runs(now=time.time() + start_timeout + 1) == [run_id]
    assert status_of(persistent_home, run_id) == RunStatus.FAILURE
    failure = persistent_home.all_logs(run_id, of_type=EventType.RUN_FAILURE)[-1]
    assert failure.event is not None
    assert failure.event.event_specific_data == RunFailureData(reason=START_TIMEOUT)


def test_a_starting_run_that_beat_and_went_silent_is_marked_failed(
    persistent_home: Instance,
) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_STARTING)
    persistent_home.record_heartbeat(run_id, 1000.0)

    assert persistent_home.check_runs(now=1000.0 + TIMEOUT + 1) == [run_id]
    failure = persistent_home.all_logs(run_id, of_type=EventType.RUN_FAILURE)[-1]
    assert failure.event is not None
    assert failure.event.event_specific_data == RunFailureData(reason=RUN_WORKER_DIED)


def test_the_timeout_can_be_given(persistent_home: Instance) -> None:
    run_id = run_in(persistent_home, "r1", EventType.RUN_START)
    persistent_home.record_heartbeat(run_id, 1000.0)

    assert persistent_home.check_runs(now=1003.0, timeout=5) == []
    assert persistent_home.check_runs(now=1006.0, timeout=5) == [run_id]


@pytest.mark.parametrize("timeout", [0, -1.5, "10"])
def test_a_timeout_that_is_not_a_positive_number_is_refused(
    persistent_home: Instance, timeout: Any
) -> None:
    with pytest.raises(InvalidInvocationError, match="positive number of seconds"):
        persistent_home.check_runs(timeout=timeout)


def test_the_timeout_setting_is_used(home: Path) -> None:
    write_settings(home, {"run_monitoring": {"heartbeat_timeout_seconds": 60}})
    with Instance.from_home(home) as instance:
        run_id = run_in(instance, "r1", EventType.RUN_START)
        instance.record_heartbeat(run_id, 1000.0)

        assert instance.check_runs(now=1000.0 + 59) == []
        assert instance.check_runs(now=1000.0 + 61) == [run_id]


def test_with_run_monitoring_disabled_nothing_is_marked(home: Path) -> None:
    write_settings(home, {"run_monitoring": {"enabled": False}})
    with Instance.from_home(home) as instance:
        run_id = run_in(instance, "r1", EventType.RUN_START)
        instance.record_heartbeat(run_id, 1000.0)

        assert instance.check_runs(now=time.time() + 3600) == []
        assert status_of(instance, run_id) == RunStatus.STARTED


def test_an_ephemeral_instance_has_no_runs_to_check() -> None:
    # Its runs live in this process's memory: they cannot outlive their process.
    instance = Instance.ephemeral()
    run_id = run_in(instance, "r1", EventType.RUN_START)

    assert instance.check_runs(now=time.time() + 3600) == []
    assert status_of(instance, run_id) == RunStatus.STARTED


# -- heartbeats of real runs ----------------------------------------------------


@op(config_schema={"flag": str})
def wait_for_flag(context) -> None:
    flag = Path(context.op_config["flag"])
    while not flag.exists():
        time.sleep(0.01)


@job
def waits():
    wait_for_flag()


@op
def read_own_heartbeat(context) -> float | None:
    record = context.instance.get_run_record_by_id(context.run_id)
    return record.heartbeat_timestamp


@job
def reads_heartbeat():
    read_own_heartbeat()


def test_a_run_has_a_heartbeat_from_its_start(home: Path) -> None:
    with Instance.from_home(home) as instance:
        result = reads_heartbeat.execute_in_process(instance=instance)

    assert result.output_for_node("read_own_heartbeat") is not None


def test_heartbeats_are_recorded_while_a_run_runs(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RunLog, "HEARTBEAT_SECONDS", 0.05)
    flag = tmp_path / "flag"
    config = {"ops": {"wait_for_flag": {"config": {"flag": str(flag)}}}}
    with Instance.from_home(home) as instance, Instance.from_home(home) as reader:
        running = threading.Thread(
            target=waits.execute_in_process,
            kwargs={"run_config": config, "instance": instance, "run_id": "waiting"},
        )
        running.start()
        try:

            def heartbeat_after(earlier: float) -> float | None:
                record = reader.get_run_record_by_id("waiting")
                beat = record.heartbeat_timestamp if record is not None else None
                return beat if beat is not None and beat > earlier else None

            first = eventually(lambda: heartbeat_after(0.0), "a first heartbeat")
            later = eventually(lambda: heartbeat_after(first), "a later heartbeat")
        finally:
            flag.touch()
            running.join()
        assert later > first
        assert status_of(reader, "waiting") == RunStatus.SUCCESS


# -- a run process killed mid-step ---------------------------------------------------

SLOW_JOB = textwrap.dedent(
    """
    import sys, time
    from dagwright import Instance, job, op

    @op
    def first(context):
        context.log.info("first done")
        return 1

    @op
    def stuck(context, x):
        context.log.info("stuck is waiting")
        time.sleep(120)

    @job
    def slow():
        stuck(first())

    slow.execute_in_process(instance=Instance.from_home(sys.argv[1]), run_id="killed-run")
    """
)


def test_a_killed_run_keeps_its_events_and_is_marked_failed(home: Path, tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text(SLOW_JOB)
    proc = subprocess.Popen([sys.executable, str(script), str(home)])
    with Instance.from_home(home) as instance:
        try:

            def waiting() -> list[EventLogEntry]:
                logs = instance.all_logs("killed-run")
                return logs if any(e.user_message == "stuck is waiting" for e in logs) else []

            seen = eventually(waiting, "the stuck step's log line")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        record = instance.get_run_record_by_id("killed-run")
        assert record is not None
        assert record.heartbeat_timestamp is not None
        last_beat = record.heartbeat_timestamp

        assert instance.check_runs(now=last_beat + TIMEOUT - 1) == []
        assert instance.check_runs(now=last_beat + TIMEOUT + 1) == ["killed-run"]

        logs = instance.all_logs("killed-run")
        assert logs[: len(seen)] == seen
        assert [e.step_key for e in logs if e.event_type == EventType.STEP_SUCCESS] == ["first"]
        assert [e.event_type for e in logs[-2:]] == [EventType.ENGINE_EVENT, EventType.RUN_FAILURE]
        assert status_of(instance, "killed-run") == RunStatus.FAILURE


# -- the monitor's rounds --------------------------------------------------------------


class Clocks:
    """Wall and monotonic clocks that move only when the fake ``sleep`` is called."""

    def __init__(self, moves: list[tuple[float, float]]) -> None:
        self.wall, self.monotonic = 1000.0, 50.0
        self.moves = iter(moves)
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wall, monotonic = next(self.moves)
        self.wall += wall
        self.monotonic += monotonic


def rounds(clocks: Clocks, checks: list[float]) -> Iterator[list[str]]:
    def check() -> list[str]:
        checks.append(clocks.wall)
        return []

    return watch(
        check,
        5.0,
        sleep=clocks.sleep,
        wall_clock=lambda: clocks.wall,
        monotonic_clock=lambda: clocks.monotonic,
    )


def test_the_monitor_checks_once_per_interval() -> None:
    clocks, checks = Clocks([(5.0, 5.0), (5.0, 5.0)]), []
    monitor = rounds(clocks, checks)

    for _ in range(3):
        next(monitor)

    assert clocks.sleeps == [5.0, 5.0]
    assert checks == [1000.0, 1005.0, 1010.0]


def test_after_the_machine_slept_the_monitor_waits_an_interval_more_before_judging() -> None:
    # Runs slept too: they get the time to beat again before anyone judges them.
    clocks, checks = Clocks([(3600.0, 5.0), (5.0, 5.0)]), []
    monitor = rounds(clocks, checks)

    next(monitor)
    next(monitor)

    assert clocks.sleeps == [5.0, 5.0]
    assert checks == [1000.0, 1000.0 + 3605.0]
