"""The built-in loggers (colored console, JSON console), choosing them with logger_defs,
their level and name from run config, and the init context a logger function receives."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dagwright import (
    InitLoggerContext,
    LoggerDefinition,
    RunConfigError,
    build_init_logger_context,
    colored_console_logger,
    default_loggers,
    default_system_loggers,
    job,
    json_console_logger,
    logger,
    op,
)

CONSOLE_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} - (?P<name>\S+) - [A-Z]+ - ")


@op
def chatty(context):
    context.log.debug("a debug line")
    context.log.info("an info line")
    context.log.warning("a warning line")
    return 1


@op
def bad():
    raise ValueError("boom")


def _job(logger_defs: dict[str, Any] | None = None) -> Any:
    @job(logger_defs=logger_defs)
    def logged():
        chatty()

    return logged


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _console_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if CONSOLE_LINE.match(line)]


@pytest.fixture
def default_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGWRIGHT_LOG_LEVEL", raising=False)


# --------------------------------------------------------------------------
# The built-in definitions


def test_the_default_loggers_are_the_colored_console_named_console() -> None:
    assert default_loggers() == {"console": colored_console_logger}


def test_the_built_in_loggers_are_logger_definitions_with_a_description() -> None:
    for definition in (colored_console_logger, json_console_logger):
        assert isinstance(definition, LoggerDefinition)
        assert definition.description


def test_default_system_loggers_is_the_console_at_the_environment_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "debug")

    assert default_system_loggers() == [
        (colored_console_logger, {"name": "dagwright", "log_level": "DEBUG"})
    ]


def test_default_system_loggers_level_is_info_without_the_environment_variable(
    default_level: None,
) -> None:
    ((_, config),) = default_system_loggers()

    assert config["log_level"] == "INFO"


# --------------------------------------------------------------------------
# The colored console


def test_a_job_without_loggers_prints_console_lines(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job().execute_in_process()

    lines = _console_lines(capsys.readouterr().err)
    assert [line.rsplit(" - ", 1)[1] for line in lines] == ["an info line", "a warning line"]


def test_the_colored_console_given_explicitly_prints_the_same_lines(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _job({"console": colored_console_logger}).execute_in_process()

    lines = _console_lines(capsys.readouterr().err)
    assert len(lines) == 2
    assert lines[0].endswith(
        f" - dagwright - INFO - logged - {result.run_id} - chatty - an info line"
    )


def test_the_console_name_comes_from_run_config(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job().execute_in_process(run_config={"loggers": {"console": {"config": {"name": "etl"}}}})

    lines = _console_lines(capsys.readouterr().err)
    assert {CONSOLE_LINE.match(line)["name"] for line in lines} == {"etl"}  # type: ignore[index]


def test_the_explicit_colored_console_takes_its_level_from_run_config(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"console": colored_console_logger}).execute_in_process(
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
    )

    assert "a debug line" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_console_colors_warnings_on_a_terminal(
    default_level: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    _job().execute_in_process()

    warning = next(line for line in terminal.getvalue().splitlines() if "a warning line" in line)
    assert warning.startswith("\033[33m")
    assert warning.endswith("\033[0m")


def test_the_console_does_not_color_when_no_color_is_set(
    default_level: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    _job().execute_in_process()

    assert "\033[" not in terminal.getvalue()


# --------------------------------------------------------------------------
# The JSON console


def test_json_console_named_console_replaces_the_colored_console(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"console": json_console_logger}).execute_in_process()

    err = capsys.readouterr().err
    assert _console_lines(err) == []
    assert [r["message"] for r in _json_lines(err)] == ["an info line", "a warning line"]


def test_json_console_writes_one_json_object_per_line(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"console": json_console_logger}).execute_in_process()

    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert all(isinstance(json.loads(line), dict) for line in lines)


def test_a_json_log_line_has_time_level_name_run_job_step_and_message(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _job({"console": json_console_logger}).execute_in_process()

    record = _json_lines(capsys.readouterr().err)[0]
    assert set(record) == {
        "timestamp",
        "level",
        "name",
        "run_id",
        "job_name",
        "step_key",
        "message",
    }
    assert record["level"] == "INFO"
    assert record["name"] == "dagwright"
    assert record["run_id"] == result.run_id
    assert record["job_name"] == "logged"
    assert record["step_key"] == "chatty"
    assert record["message"] == "an info line"


def test_a_json_timestamp_is_the_entrys_time_in_utc_iso_8601_with_milliseconds(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _job({"console": json_console_logger}).execute_in_process()

    record = _json_lines(capsys.readouterr().err)[0]
    entry = next(e for e in result.entries if e.user_message == "an info line")
    written = datetime.strptime(record["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    expected = datetime.fromtimestamp(entry.timestamp, UTC).replace(tzinfo=None)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["timestamp"])
    # The entry's time cut to milliseconds (float rounding may move the last digit by one).
    assert abs(written - expected) < timedelta(milliseconds=1)


def test_a_json_event_line_has_its_event_type(capsys: pytest.CaptureFixture[str]) -> None:
    _job({"console": json_console_logger}).execute_in_process(
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
    )

    records = _json_lines(capsys.readouterr().err)
    start = next(r for r in records if r.get("event_type") == "STEP_START")
    assert start["step_key"] == "chatty"
    assert start["level"] == "DEBUG"
    assert start["message"] == 'Started execution of step "chatty".'
    run_start = next(r for r in records if r.get("event_type") == "RUN_START")
    assert run_start["step_key"] is None


def test_a_json_failure_line_carries_the_users_error(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    @job(logger_defs={"console": json_console_logger})
    def failing():
        bad()

    failing.execute_in_process(raise_on_error=False)

    records = _json_lines(capsys.readouterr().err)
    failure = next(r for r in records if r.get("event_type") == "STEP_FAILURE")
    assert failure["level"] == "ERROR"
    assert failure["error"]["cls_name"] == "ValueError"
    assert failure["error"]["message"] == "ValueError: boom"
    assert any('raise ValueError("boom")' in frame for frame in failure["error"]["stack"])


def test_json_console_level_comes_from_run_config(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"console": json_console_logger}).execute_in_process(
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    )

    records = _json_lines(capsys.readouterr().err)
    assert [r["message"] for r in records] == ["a warning line"]


def test_json_console_level_follows_the_environment_without_run_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "DEBUG")

    _job({"console": json_console_logger}).execute_in_process()

    messages = [r["message"] for r in _json_lines(capsys.readouterr().err)]
    assert "a debug line" in messages


def test_json_console_name_comes_from_run_config(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"console": json_console_logger}).execute_in_process(
        run_config={"loggers": {"console": {"config": {"name": "etl"}}}}
    )

    assert {r["name"] for r in _json_lines(capsys.readouterr().err)} == {"etl"}


def test_json_console_under_another_name_replaces_the_colored_console_too(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"json": json_console_logger}).execute_in_process()

    err = capsys.readouterr().err
    assert _console_lines(err) == []
    assert [r["message"] for r in _json_lines(err)] == ["an info line", "a warning line"]


def test_a_job_declaring_loggers_keeps_the_console_only_if_it_declares_it(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"console": colored_console_logger, "json": json_console_logger}).execute_in_process()

    err = capsys.readouterr().err
    assert len(_console_lines(err)) == 2
    assert len(_json_lines(err)) == 2


def test_each_logger_takes_its_level_from_its_own_run_config_entry(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _job({"console": colored_console_logger, "json": json_console_logger}).execute_in_process(
        run_config={
            "loggers": {
                "json": {"config": {"log_level": "DEBUG"}},
                "console": {"config": {"log_level": "WARNING"}},
            }
        }
    )

    err = capsys.readouterr().err
    assert [line.rsplit(" - ", 1)[1] for line in _console_lines(err)] == ["a warning line"]
    assert "a debug line" in [r["message"] for r in _json_lines(err)]


def test_a_declared_logger_is_used_without_any_run_config(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    received: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            received.append(record.getMessage())

    @logger
    def collecting(_init_context):
        python_logger = logging.Logger("test_loggers_declared", logging.INFO)
        python_logger.addHandler(_Collect())
        return python_logger

    _job({"collecting": collecting}).execute_in_process()

    assert any(message.endswith("an info line") for message in received)
    assert _console_lines(capsys.readouterr().err) == []


def test_run_config_for_the_default_console_is_refused_when_the_job_declares_loggers() -> None:
    with pytest.raises(RunConfigError) as caught:
        _job({"json": json_console_logger}).execute_in_process(
            run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
        )

    assert [p.path for p in caught.value.problems] == ["loggers.console"]


def test_an_unknown_log_level_is_a_run_config_error_at_its_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        _job({"console": json_console_logger}).execute_in_process(
            run_config={"loggers": {"console": {"config": {"log_level": "LOUD"}}}}
        )

    assert [p.path for p in caught.value.problems] == ["loggers.console.config.log_level"]


# --------------------------------------------------------------------------
# The init context of a logger function


def test_a_logger_function_receives_an_init_logger_context_of_the_run() -> None:
    seen: list[InitLoggerContext] = []

    @logger(config_schema={"prefix": str})
    def remembering(init_context):
        seen.append(init_context)
        return logging.Logger("test_loggers_init_context", logging.CRITICAL)

    logged = _job({"remembering": remembering})
    result = logged.execute_in_process(
        run_config={"loggers": {"remembering": {"config": {"prefix": "p"}}}}
    )

    (context,) = seen
    assert isinstance(context, InitLoggerContext)
    assert context.logger_config == {"prefix": "p"}
    assert context.logger_def is remembering
    assert context.job_def is logged
    assert context.job_name == "logged"
    assert context.run_id == result.run_id


def test_build_init_logger_context_lets_a_test_call_a_logger_function() -> None:
    @logger(config_schema={"level": str})
    def leveled(init_context):
        return logging.Logger("test_loggers_built", init_context.logger_config["level"])

    built = leveled.logger_fn(build_init_logger_context(logger_config={"level": "WARNING"}))

    assert built.level == logging.WARNING


def test_build_init_logger_context_has_no_run() -> None:
    context = build_init_logger_context({"a": 1})

    assert context.run_id is None
    assert context.job_def is None
    assert context.logger_config == {"a": 1}
