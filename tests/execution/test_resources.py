"""The ready-made resources (mock, none, string) and what a resource's init context gives it
during a run (its log, the run id)."""

from __future__ import annotations

import logging
from typing import Any
from unittest import mock

import pytest

from dagwright import (
    ResourceDefinition,
    RunConfigError,
    build_op_context,
    graph,
    job,
    op,
    resource,
    success_hook,
)


@op(required_resource_keys={"server"})
def interact_with_server(context):
    context.resources.server.ping_server("eu-1", retries=2)


@graph
def do_stuff():
    interact_with_server()


# --------------------------------------------------------------------------
# mock_resource


def _capturing_server(seen: list[Any]):
    @success_hook(required_resource_keys={"server"})
    def capture_server(context):
        seen.append(context.resources.server)

    return capture_server


def test_mock_resource_records_the_calls_an_op_makes() -> None:
    seen: list[Any] = []
    local_job = do_stuff.to_job(
        resource_defs={"server": ResourceDefinition.mock_resource()},
        hooks={_capturing_server(seen)},
    )

    local_job.execute_in_process()

    (server,) = seen
    server.ping_server.assert_called_once_with("eu-1", retries=2)


def test_mock_resource_is_a_fresh_mock_in_every_run() -> None:
    seen: list[Any] = []
    local_job = do_stuff.to_job(
        resource_defs={"server": ResourceDefinition.mock_resource()},
        hooks={_capturing_server(seen)},
    )

    local_job.execute_in_process()
    local_job.execute_in_process()

    first, second = seen
    assert first is not second
    assert first.ping_server.call_count == 1
    assert second.ping_server.call_count == 1


def test_mock_resource_records_calls_in_a_built_op_context() -> None:
    context = build_op_context(resources={"server": ResourceDefinition.mock_resource()})

    interact_with_server(context)

    context.resources.server.ping_server.assert_called_once_with("eu-1", retries=2)


def test_a_mock_given_as_a_plain_object_records_the_calls_of_every_run() -> None:
    server = mock.MagicMock()
    local_job = do_stuff.to_job(resource_defs={"server": server})

    local_job.execute_in_process()
    local_job.execute_in_process()

    assert server.ping_server.call_args_list == [mock.call("eu-1", retries=2)] * 2


def test_mock_resource_keeps_its_description() -> None:
    assert ResourceDefinition.mock_resource("a fake server").description == "a fake server"


# --------------------------------------------------------------------------
# none_resource and string_resource


@op(required_resource_keys={"value"})
def read_value(context):
    return context.resources.value


@job(resource_defs={"value": ResourceDefinition.none_resource()})
def reads_none():
    read_value()


@job(resource_defs={"value": ResourceDefinition.string_resource()})
def reads_a_string():
    read_value()


def test_none_resource_is_none_in_the_op() -> None:
    assert reads_none.execute_in_process().output_for_node("read_value") is None


def test_none_resource_needs_no_config() -> None:
    assert "resources:" not in reads_none.scaffold_run_config()


def test_string_resource_is_the_string_given_as_its_config() -> None:
    result = reads_a_string.execute_in_process(
        run_config={"resources": {"value": {"config": "postgres://db"}}}
    )

    assert result.output_for_node("read_value") == "postgres://db"


def test_string_resource_without_config_is_a_run_config_error_at_its_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        reads_a_string.execute_in_process()

    assert [p.path for p in caught.value.problems] == ["resources.value.config"]


def test_string_resource_rejects_a_config_that_is_not_a_string() -> None:
    with pytest.raises(RunConfigError) as caught:
        reads_a_string.execute_in_process(run_config={"resources": {"value": {"config": 5}}})

    assert [p.path for p in caught.value.problems] == ["resources.value.config"]


# --------------------------------------------------------------------------
# The init context during a run


@resource
def chatty_connection(init_context):
    init_context.log.info("connecting to the warehouse")
    init_context.log.debug("using %d connections", 4)
    return "connection"


@op(required_resource_keys={"warehouse"})
def query(context):
    return context.resources.warehouse


@job(resource_defs={"warehouse": chatty_connection})
def querying():
    query()


def _log_lines(result: Any) -> list[tuple[int, str]]:
    return [(e.level, e.user_message) for e in result.entries if not e.is_dagster_event]


def test_init_context_log_lines_reach_the_runs_log() -> None:
    result = querying.execute_in_process()

    assert _log_lines(result) == [
        (logging.INFO, "connecting to the warehouse"),
        (logging.DEBUG, "using 4 connections"),
    ]


def test_init_context_log_lines_belong_to_the_run() -> None:
    result = querying.execute_in_process()

    line = next(e for e in result.entries if e.user_message == "connecting to the warehouse")
    assert line.run_id == result.run_id
    assert line.job_name == "querying"


def test_init_context_log_lines_come_between_the_resource_init_events() -> None:
    result = querying.execute_in_process()

    kinds = [e.event.event_type_value if e.event else e.user_message for e in result.entries]
    started = kinds.index("RESOURCE_INIT_STARTED")
    assert kinds[started + 1 : started + 4] == [
        "connecting to the warehouse",
        "using 4 connections",
        "RESOURCE_INIT_SUCCESS",
    ]


def test_init_context_log_lines_are_stored_in_the_instance() -> None:
    from dagwright import Instance

    instance = Instance.ephemeral()

    result = querying.execute_in_process(instance=instance)

    stored = [e.user_message for e in instance.all_logs(result.run_id)]
    assert "connecting to the warehouse" in stored


def test_init_context_run_id_is_the_runs_id() -> None:
    seen = []

    @resource
    def remembers_run(init_context):
        seen.append(init_context.run_id)

    @job(resource_defs={"warehouse": remembers_run})
    def remembering():
        query()

    result = remembering.execute_in_process()

    assert seen == [result.run_id]


def test_init_context_run_id_is_the_run_id_given_at_launch() -> None:
    seen = []

    @resource
    def remembers_run(init_context):
        seen.append(init_context.run_id)

    @job(resource_defs={"warehouse": remembers_run})
    def remembering():
        query()

    remembering.execute_in_process(run_id="nightly-2026-11-25")

    assert seen == ["nightly-2026-11-25"]
