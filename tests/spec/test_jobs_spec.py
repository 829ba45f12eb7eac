"""Every op-based example of spec/jobs.txt, verbatim but for the import line."""

from __future__ import annotations

import pytest


def test_do_stuff_runs_add_one_after_return_five() -> None:
    from dagwright import job, op

    @op
    def return_five():
        return 5

    @op
    def add_one(arg):
        return arg + 1

    @job
    def do_stuff():
        add_one(return_five())

    result = do_stuff.execute_in_process()

    assert result.success
    assert result.output_for_node("return_five") == 5
    assert result.output_for_node("add_one") == 6
    order = [e.step_key for e in result.get_step_success_events()]
    assert order == ["return_five", "add_one"]


def test_one_graph_becomes_a_prod_and_a_local_job_with_different_resources() -> None:
    from dagwright import ResourceDefinition, graph, op

    @op(required_resource_keys={"server"})
    def interact_with_server(context):
        context.resources.server.ping_server()

    @graph
    def do_stuff():
        interact_with_server()

    prod_server = ResourceDefinition.mock_resource()
    local_server = ResourceDefinition.mock_resource()

    prod_job = do_stuff.to_job(resource_defs={"server": prod_server}, name="do_stuff_prod")
    local_job = do_stuff.to_job(resource_defs={"server": local_server}, name="do_stuff_local")

    assert prod_job.name == "do_stuff_prod"
    assert local_job.name == "do_stuff_local"
    assert prod_job.graph is local_job.graph is do_stuff
    assert prod_job.execute_in_process().success
    assert local_job.execute_in_process().success


def test_hardcoded_job_config_is_used_when_launched_without_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagwright import job, op

    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "INFO")

    @op(config_schema={"config_param": str})
    def do_something(context):
        context.log.info("config_param: " + context.op_config["config_param"])

    default_config = {"ops": {"do_something": {"config": {"config_param": "stuff"}}}}

    @job(config=default_config)
    def do_it_all_with_default_config():
        do_something()

    result = do_it_all_with_default_config.execute_in_process()

    assert result.success
    assert "config_param: stuff" in capsys.readouterr().err


def test_hardcoded_job_config_can_be_overridden_at_launch() -> None:
    from dagwright import job, op

    seen = []

    @op(config_schema={"config_param": str})
    def do_something(context):
        seen.append(context.op_config["config_param"])

    @job(config={"ops": {"do_something": {"config": {"config_param": "stuff"}}}})
    def do_it_all_with_default_config():
        do_something()

    do_it_all_with_default_config.execute_in_process(
        run_config={"ops": {"do_something": {"config": {"config_param": "other"}}}}
    )

    assert seen == ["other"]


def test_config_mapping_translates_the_simplified_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagwright import config_mapping, job, op

    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "INFO")

    @op(config_schema={"config_param": str})
    def do_something(context):
        context.log.info("config_param: " + context.op_config["config_param"])

    @config_mapping(config_schema={"simplified_param": str})
    def simplified_config(val):
        return {
            "ops": {"do_something": {"config": {"config_param": val["simplified_param"]}}}
        }

    @job(config=simplified_config)
    def do_it_all_with_simplified_config():
        do_something()

    result = do_it_all_with_simplified_config.execute_in_process(
        run_config={"simplified_param": "stuff"}
    )

    assert result.success
    assert "config_param: stuff" in capsys.readouterr().err


def test_a_repository_style_job_with_an_empty_body_runs() -> None:
    from dagwright import job

    @job
    def do_it_all(): ...

    assert do_it_all.execute_in_process().success
