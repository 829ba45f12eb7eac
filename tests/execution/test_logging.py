"""context.log, the console logger and user-defined loggers."""

from __future__ import annotations

import logging
import re

import pytest

from dagwright import EventType, job, logger, op

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} - dagwright - (?P<level>[A-Z]+) - (?P<rest>.*)$"
)


@op
def chatty(context):
    context.log.debug("a debug line")
    context.log.info("an info line")
    context.log.warning("a warning line")
    context.log.error("an error line")
    context.log.critical("a critical line")
    return 1


@job
def chatty_job():
    chatty()


@op
def bad():
    raise ValueError("boom")


@job
def failing():
    bad()


def _log_lines(result) -> list[tuple[int, str | None, str]]:
    return [(e.level, e.step_key, e.user_message) for e in result.entries if not e.is_dagster_event]


def _stderr_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if LINE.match(line)]


@pytest.fixture
def default_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGWRIGHT_LOG_LEVEL", raising=False)


# --------------------------------------------------------------------------
# Entries


def test_context_log_calls_become_entries_with_level_step_key_and_message() -> None:
    result = chatty_job.execute_in_process()

    assert _log_lines(result) == [
        (logging.DEBUG, "chatty", "a debug line"),
        (logging.INFO, "chatty", "an info line"),
        (logging.WARNING, "chatty", "a warning line"),
        (logging.ERROR, "chatty", "an error line"),
        (logging.CRITICAL, "chatty", "a critical line"),
    ]


def test_log_entries_belong_to_the_run() -> None:
    result = chatty_job.execute_in_process()

    for entry in result.entries:
        if not entry.is_dagster_event:
            assert entry.run_id == result.run_id
            assert entry.job_name == "chatty_job"
            assert entry.dagster_event is None


def test_log_lines_are_not_events() -> None:
    result = chatty_job.execute_in_process()

    messages = {e.message for e in result.all_events}
    assert "an info line" not in messages
    assert len(result.entries) == len(result.all_events) + 5


def test_log_lines_sit_between_the_steps_start_and_output() -> None:
    result = chatty_job.execute_in_process()

    kinds = [
        e.event_type if e.is_dagster_event else e.user_message
        for e in result.entries
        if e.step_key == "chatty"
    ]
    assert kinds[0] == EventType.STEP_START
    assert kinds[1:6] == [
        "a debug line",
        "an info line",
        "a warning line",
        "an error line",
        "a critical line",
    ]
    assert kinds[6] == EventType.STEP_OUTPUT


def test_log_message_arguments_are_formatted_percent_style() -> None:
    @op
    def formatted(context):
        context.log.info("loaded %d rows from %s", 3, "table")

    @job
    def formatting():
        formatted()

    result = formatting.execute_in_process()

    assert _log_lines(result) == [(logging.INFO, "formatted", "loaded 3 rows from table")]


def test_log_lines_are_kept_in_a_given_instance() -> None:
    from dagwright import Instance

    instance = Instance.ephemeral()

    result = chatty_job.execute_in_process(instance=instance)

    stored = [e.user_message for e in instance.all_logs(result.run_id) if not e.is_dagster_event]
    assert "a debug line" in stored
    assert "a critical line" in stored


# --------------------------------------------------------------------------
# The console


def test_console_line_goes_to_stderr_with_job_run_id_step_and_level(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = chatty_job.execute_in_process()

    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if line.endswith("an info line"))
    match = LINE.match(line)
    assert match is not None
    assert match["level"] == "INFO"
    assert match["rest"] == f"chatty_job - {result.run_id} - chatty - an info line"


def test_console_writes_nothing_to_stdout(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    chatty_job.execute_in_process()

    assert capsys.readouterr().out == ""


def test_console_default_level_is_info(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    chatty_job.execute_in_process()

    err = capsys.readouterr().err
    assert "an info line" in err
    assert "a warning line" in err
    assert "a critical line" in err
    assert "a debug line" not in err


def test_debug_lines_are_recorded_even_when_not_printed(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = chatty_job.execute_in_process()

    assert "a debug line" not in capsys.readouterr().err
    assert (logging.DEBUG, "chatty", "a debug line") in _log_lines(result)


def test_framework_events_are_debug_and_hidden_at_the_default_level(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    chatty_job.execute_in_process()

    err = capsys.readouterr().err
    assert "STEP_START" not in err
    assert "RUN_SUCCESS" not in err


def test_env_log_level_debug_prints_debug_lines_and_events(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "DEBUG")

    result = chatty_job.execute_in_process()

    lines = _stderr_lines(capsys.readouterr().err)
    assert any(
        line.endswith(f" - DEBUG - chatty_job - {result.run_id} - chatty - a debug line")
        for line in lines
    )
    assert any(
        f" - DEBUG - chatty_job - {result.run_id} - chatty - STEP_START - "
        'Started execution of step "chatty".' in line
        for line in lines
    )


def test_run_events_are_printed_without_a_step_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "DEBUG")

    result = chatty_job.execute_in_process()

    lines = _stderr_lines(capsys.readouterr().err)
    assert any(
        line.endswith(
            f" - DEBUG - chatty_job - {result.run_id} - RUN_START - "
            'Started execution of run for "chatty_job".'
        )
        for line in lines
    )


def test_env_log_level_is_case_insensitive(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "debug")

    chatty_job.execute_in_process()

    assert "a debug line" in capsys.readouterr().err


def test_env_log_level_warning_hides_info_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "WARNING")

    chatty_job.execute_in_process()

    err = capsys.readouterr().err
    assert "an info line" not in err
    assert "a warning line" in err


def test_run_config_console_log_level_changes_the_level(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    chatty_job.execute_in_process(
        run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
    )

    assert "a debug line" in capsys.readouterr().err


def test_run_config_console_log_level_can_raise_the_level(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    chatty_job.execute_in_process(
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    )

    err = capsys.readouterr().err
    assert "a warning line" not in err
    assert "an error line" in err


def test_step_failure_is_printed_at_error_with_the_users_traceback(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = failing.execute_in_process(raise_on_error=False)

    err = capsys.readouterr().err
    header = (
        f" - dagwright - ERROR - failing - {result.run_id} - bad - STEP_FAILURE - "
        'Execution of step "bad" failed.'
    )
    assert header in err
    after = err[err.index(header) :]
    assert ", in bad" in after
    assert 'raise ValueError("boom")' in after
    assert "ValueError: boom" in after


def test_run_failure_is_printed_at_error(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = failing.execute_in_process(raise_on_error=False)

    err = capsys.readouterr().err
    assert f" - ERROR - failing - {result.run_id} - RUN_FAILURE - " in err


def test_step_failure_is_printed_even_when_the_error_is_raised(
    default_level: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError):
        failing.execute_in_process()

    assert "STEP_FAILURE" in capsys.readouterr().err


# --------------------------------------------------------------------------
# User loggers


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _collecting_logger(name: str, level: int) -> tuple[logging.Logger, _Collect]:
    handler = _Collect()
    python_logger = logging.Logger(name, level)
    python_logger.addHandler(handler)
    python_logger.propagate = False
    return python_logger, handler


def test_user_logger_receives_the_log_lines() -> None:
    python_logger, handler = _collecting_logger("test_user_logger", logging.DEBUG)

    @logger
    def collecting(_init_context):
        return python_logger

    @job(logger_defs={"collecting": collecting})
    def logged():
        chatty()

    logged.execute_in_process()

    received = [(r.levelno, r.getMessage()) for r in handler.records]
    info = next(message for level, message in received if message.endswith("an info line"))
    assert "chatty" in info
    assert (logging.CRITICAL, info.replace("an info line", "a critical line")) in received


def test_user_logger_receives_events_too() -> None:
    python_logger, handler = _collecting_logger("test_user_logger_events", logging.DEBUG)

    @logger
    def collecting(_init_context):
        return python_logger

    @job(logger_defs={"collecting": collecting})
    def logged():
        chatty()

    logged.execute_in_process()

    messages = [r.getMessage() for r in handler.records]
    assert any("STEP_START" in m for m in messages)
    assert any("RUN_SUCCESS" in m for m in messages)


def test_user_logger_level_filters_what_it_receives() -> None:
    python_logger, handler = _collecting_logger("test_user_logger_level", logging.WARNING)

    @logger
    def collecting(_init_context):
        return python_logger

    @job(logger_defs={"collecting": collecting})
    def logged():
        chatty()

    logged.execute_in_process()

    assert {r.levelno for r in handler.records} == {
        logging.WARNING,
        logging.ERROR,
        logging.CRITICAL,
    }


def test_user_logger_gets_its_config_from_run_config() -> None:
    seen = []

    @logger(config_schema={"prefix": str})
    def configured(init_context):
        seen.append(init_context.logger_config)
        return logging.Logger("test_user_logger_config", logging.CRITICAL)

    @job(logger_defs={"configured": configured})
    def logged():
        chatty()

    logged.execute_in_process(run_config={"loggers": {"configured": {"config": {"prefix": "p"}}}})

    assert seen == [{"prefix": "p"}]


def test_user_logger_is_built_once_per_run() -> None:
    built = []

    @logger
    def counting(init_context):
        built.append(init_context)
        return logging.Logger("test_user_logger_once", logging.CRITICAL)

    @job(logger_defs={"counting": counting})
    def logged():
        chatty()
        chatty()

    logged.execute_in_process()

    assert len(built) == 1


def test_log_exception_formats_its_arguments_before_adding_the_traceback() -> None:
    from dagwright import job, op

    @op
    def logs_an_exception(context):
        try:
            raise ValueError("100% broken")
        except ValueError:
            context.log.exception("failed with %s", "details")
        return 1

    @job
    def logging_job():
        logs_an_exception()

    result = logging_job.execute_in_process()
    lines = [e.user_message for e in result.entries if e.event is None]

    assert lines[0].startswith("failed with details\nTraceback")
    assert "ValueError: 100% broken" in lines[0]
