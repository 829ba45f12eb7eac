"""Success and failure hooks: where they attach, what they receive, and their events."""

from __future__ import annotations

import pytest

from dagwright import (
    EventType,
    Field,
    HookContext,
    HookDefinition,
    Instance,
    InvalidDefinitionError,
    InvalidInvocationError,
    RetryPolicy,
    RetryRequested,
    UserCodeError,
    build_hook_context,
    failure_hook,
    job,
    op,
    resource,
    success_hook,
)

E = EventType


@op
def five():
    return 5


@op
def double(x):
    return x * 2


@op
def bad(x):
    raise ValueError("boom")


def _hook_events(result) -> list[tuple[EventType, str | None]]:
    hook_types = {E.HOOK_COMPLETED, E.HOOK_ERRORED, E.HOOK_SKIPPED}
    return [(e.event_type, e.step_key) for e in result.all_events if e.event_type in hook_types]


# --------------------------------------------------------------------------
# Where hooks attach


def test_job_success_hook_runs_after_every_successful_step() -> None:
    ran = []

    @success_hook
    def record(context):
        ran.append(context.step_key)

    @job(hooks={record})
    def hooked():
        double(five())

    hooked.execute_in_process()

    assert ran == ["five", "double"]


def test_job_success_hook_does_not_run_for_a_failed_step() -> None:
    ran = []

    @success_hook
    def record(context):
        ran.append(context.step_key)

    @job(hooks={record})
    def hooked():
        bad(five())

    hooked.execute_in_process(raise_on_error=False)

    assert ran == ["five"]


def test_job_failure_hook_runs_only_for_the_failed_step() -> None:
    ran = []

    @failure_hook
    def record(context):
        ran.append(context.step_key)

    @job(hooks={record})
    def hooked():
        bad(five())

    hooked.execute_in_process(raise_on_error=False)

    assert ran == ["bad"]


def test_failure_hook_runs_before_the_error_is_raised() -> None:
    ran = []

    @failure_hook
    def record(context):
        ran.append(context.step_key)

    @job(hooks={record})
    def hooked():
        bad(five())

    with pytest.raises(ValueError):
        hooked.execute_in_process()

    assert ran == ["bad"]


def test_failure_hook_does_not_run_for_a_skipped_step() -> None:
    ran = []

    @failure_hook
    def record(context):
        ran.append(context.step_key)

    @job(hooks={record})
    def hooked():
        double(bad(five()))

    hooked.execute_in_process(raise_on_error=False)

    assert ran == ["bad"]


def test_with_hooks_attaches_the_hook_to_that_invocation_only() -> None:
    ran = []

    @success_hook
    def record(context):
        ran.append(context.op.name)

    @job
    def hooked():
        double.with_hooks({record})(five())
        double(five())

    hooked.execute_in_process()

    assert ran == ["double"]


def test_with_hooks_accepts_several_hooks() -> None:
    ran = []

    @success_hook
    def first(context):
        ran.append("first")

    @success_hook
    def second(context):
        ran.append("second")

    @job
    def hooked():
        five.with_hooks({first, second})()

    hooked.execute_in_process()

    assert sorted(ran) == ["first", "second"]


def test_with_hooks_combines_with_alias() -> None:
    ran = []

    @success_hook
    def record(context):
        ran.append((context.op.name, context.step_key))

    @job
    def hooked():
        five.alias("renamed").with_hooks({record})()

    hooked.execute_in_process()

    assert ran == [("renamed", "renamed")]


def test_job_hooks_and_invocation_hooks_both_run() -> None:
    ran = []

    @success_hook
    def on_job(context):
        ran.append(("job", context.step_key))

    @success_hook
    def on_node(context):
        ran.append(("node", context.step_key))

    @job(hooks={on_job})
    def hooked():
        five.with_hooks({on_node})()

    hooked.execute_in_process()

    assert sorted(ran) == [("job", "five"), ("node", "five")]


def test_hook_needing_a_resource_the_job_lacks_fails_the_launch() -> None:
    @success_hook(required_resource_keys={"slack"})
    def notify(context):
        pass

    @job(hooks={notify})
    def hooked():
        five()

    with pytest.raises(InvalidDefinitionError, match="slack"):
        hooked.execute_in_process()


def test_hook_needing_a_resource_a_job_with_resources_lacks_is_a_definition_error() -> None:
    @success_hook(required_resource_keys={"slack"})
    def notify(context):
        pass

    with pytest.raises(InvalidDefinitionError, match="slack"):

        @job(hooks={notify}, resource_defs={"email": 1})
        def hooked():
            five()


# --------------------------------------------------------------------------
# HookContext


def test_hook_context_names_the_op_and_step() -> None:
    seen = []

    @success_hook
    def record(context):
        seen.append((type(context), context.op.name, context.step_key))

    @job(hooks={record})
    def hooked():
        five.alias("aliased")()

    hooked.execute_in_process()

    assert seen == [(HookContext, "aliased", "aliased")]


def test_hook_context_of_a_nested_op_has_the_dotted_step_key() -> None:
    from dagwright import graph

    seen = []

    @success_hook
    def record(context):
        seen.append((context.op.name, context.step_key))

    @graph
    def inner():
        five()

    @job(hooks={record})
    def hooked():
        inner()

    hooked.execute_in_process()

    assert seen == [("five", "inner.five")]


def test_hook_context_on_failure_has_the_users_exception() -> None:
    seen = []

    @failure_hook
    def record(context):
        seen.append(context.op_exception)

    @job(hooks={record})
    def hooked():
        bad(five())

    hooked.execute_in_process(raise_on_error=False)

    [exception] = seen
    assert isinstance(exception, ValueError)
    assert str(exception) == "boom"


def test_hook_context_on_success_has_no_exception() -> None:
    seen = []

    @success_hook
    def record(context):
        seen.append(context.op_exception)

    @job(hooks={record})
    def hooked():
        five()

    hooked.execute_in_process()

    assert seen == [None]


def test_hook_context_on_success_has_the_output_values() -> None:
    seen = []

    @success_hook
    def record(context):
        seen.append((context.step_key, dict(context.op_output_values)))

    @job(hooks={record})
    def hooked():
        double(five())

    hooked.execute_in_process()

    assert seen == [("five", {"result": 5}), ("double", {"result": 10})]


def test_hook_context_has_the_resources_the_hook_requires() -> None:
    seen = []

    @success_hook(required_resource_keys={"channel"})
    def notify(context):
        seen.append(context.resources.channel)

    @job(hooks={notify}, resource_defs={"channel": "#alerts"})
    def hooked():
        five()

    hooked.execute_in_process()

    assert seen == ["#alerts"]


def test_hook_context_knows_the_run_and_job() -> None:
    seen = []

    @success_hook
    def record(context):
        seen.append((context.run_id, context.job_name))

    @job(hooks={record})
    def hooked():
        five()

    result = hooked.execute_in_process()

    assert seen == [(result.run_id, "hooked")]


def test_hook_log_lines_are_recorded_for_the_step() -> None:
    @success_hook
    def chatty(context):
        context.log.info("hook says hi")

    @job(hooks={chatty})
    def hooked():
        five()

    result = hooked.execute_in_process()

    lines = [(e.step_key, e.user_message) for e in result.entries if not e.is_dagster_event]
    assert lines == [("five", "hook says hi")]


# --------------------------------------------------------------------------
# Hook events


def test_completed_hook_emits_hook_completed_after_the_step_events() -> None:
    @success_hook
    def record(context):
        pass

    @job(hooks={record})
    def hooked():
        five()

    result = hooked.execute_in_process()

    types = [e.event_type for e in result.all_events if e.step_key == "five"]
    assert types[-2:] == [E.STEP_SUCCESS, E.HOOK_COMPLETED]


def test_hook_not_triggered_by_the_outcome_emits_hook_skipped() -> None:
    @failure_hook
    def on_failure(context):
        pass

    @job(hooks={on_failure})
    def hooked():
        five()

    result = hooked.execute_in_process()

    assert _hook_events(result) == [(E.HOOK_SKIPPED, "five")]


def test_success_hook_on_a_failed_step_emits_hook_skipped() -> None:
    @success_hook
    def on_success(context):
        pass

    @job
    def hooked():
        bad.with_hooks({on_success})(five())

    result = hooked.execute_in_process(raise_on_error=False)

    assert _hook_events(result) == [(E.HOOK_SKIPPED, "bad")]


def test_hook_that_raises_emits_hook_errored_with_its_error() -> None:
    @success_hook
    def broken(context):
        raise RuntimeError("hook broke")

    @job(hooks={broken})
    def hooked():
        five()

    result = hooked.execute_in_process()

    [errored] = [e for e in result.all_events if e.event_type == E.HOOK_ERRORED]
    assert errored.step_key == "five"
    error = errored.event_specific_data.error
    assert error.cls_name == "RuntimeError"
    assert "hook broke" in error.message


def test_hook_that_raises_does_not_change_a_successful_step() -> None:
    @success_hook
    def broken(context):
        raise RuntimeError("hook broke")

    @job(hooks={broken})
    def hooked():
        double(five())

    result = hooked.execute_in_process()

    assert result.success
    assert result.is_node_success("five")
    assert result.output_for_node("double") == 10


def test_failure_hook_that_raises_leaves_the_users_error_to_be_raised() -> None:
    @failure_hook
    def broken(context):
        raise RuntimeError("hook broke")

    @job(hooks={broken})
    def hooked():
        bad(five())

    with pytest.raises(ValueError, match="boom"):
        hooked.execute_in_process()


def test_failure_hook_that_raises_does_not_change_the_failed_step() -> None:
    @failure_hook
    def broken(context):
        raise RuntimeError("hook broke")

    @job(hooks={broken})
    def hooked():
        bad(five())

    result = hooked.execute_in_process(raise_on_error=False)

    assert result.is_node_failed("bad")
    assert result.get_failed_step_keys() == {"bad"}
    assert [t for t, key in _hook_events(result) if key == "bad"] == [E.HOOK_ERRORED]


def test_one_raising_hook_does_not_stop_the_others() -> None:
    ran = []

    @success_hook
    def a_broken(context):
        raise RuntimeError("hook broke")

    @success_hook
    def b_fine(context):
        ran.append("b_fine")

    @job(hooks={a_broken, b_fine})
    def hooked():
        five()

    result = hooked.execute_in_process()

    assert ran == ["b_fine"]
    assert sorted(t for t, _ in _hook_events(result)) == [E.HOOK_COMPLETED, E.HOOK_ERRORED]


def test_hook_events_are_not_step_events() -> None:
    @success_hook
    def record(context):
        pass

    @job(hooks={record})
    def hooked():
        five()

    result = hooked.execute_in_process()

    [completed] = [e for e in result.all_events if e.event_type == E.HOOK_COMPLETED]
    assert completed.is_step_event is False
    assert completed not in result.all_node_events


# --------------------------------------------------------------------------
# Hooks and retries: hooks run once, when the step has finally ended


def test_a_failure_hook_runs_once_after_the_last_attempt_of_a_retried_step() -> None:
    ran = []

    @failure_hook
    def record(context):
        ran.append(context.step_key)

    @op(retry_policy=RetryPolicy(max_retries=2))
    def always_bad():
        raise ValueError("boom")

    @job(hooks={record})
    def hooked():
        always_bad()

    hooked.execute_in_process(raise_on_error=False)

    assert ran == ["always_bad"]


def test_a_success_hook_runs_once_when_a_retried_step_succeeds() -> None:
    ran = []

    @success_hook
    def record(context):
        ran.append(context.step_key)

    @op(retry_policy=RetryPolicy(max_retries=2))
    def flaky(context):
        if context.retry_number == 0:
            raise ValueError("first attempt fails")

    @job(hooks={record})
    def hooked():
        flaky()

    hooked.execute_in_process()

    assert ran == ["flaky"]


def test_a_failure_hook_gets_the_exception_an_exhausted_retry_request_came_from() -> None:
    seen = []

    @failure_hook
    def record(context):
        seen.append(type(context.op_exception))

    @op
    def fetch():
        try:
            raise ConnectionError("the service is down")
        except ConnectionError as error:
            raise RetryRequested(max_retries=1) from error

    @job(hooks={record})
    def hooked():
        fetch()

    hooked.execute_in_process(raise_on_error=False)

    assert seen == [ConnectionError]


# --------------------------------------------------------------------------
# Calling an op with hooks directly


def test_calling_an_op_with_hooks_directly_is_an_invalid_invocation() -> None:
    @success_hook
    def notify(context):
        pass

    with pytest.raises(InvalidInvocationError, match="hooks only run when the op runs as a step"):
        five.with_hooks({notify})()


def test_the_direct_call_error_names_the_op_the_hooks_and_the_fix() -> None:
    @success_hook
    def notify(context):
        pass

    with pytest.raises(InvalidInvocationError) as raised:
        double.with_hooks({notify})(2)

    error = raised.value
    assert error.where == "op 'double'"
    assert "('notify')" in error.problem
    assert error.fix is not None
    assert "build_hook_context" in error.fix


def test_calling_an_op_with_an_empty_set_of_hooks_directly_runs_it() -> None:
    assert double.with_hooks(set())(2) == 4


# --------------------------------------------------------------------------
# Hook definitions and build_hook_context


def test_hook_decorators_make_hook_definitions() -> None:
    @success_hook
    def on_success(context):
        pass

    @failure_hook(name="renamed")
    def on_failure(context):
        pass

    assert isinstance(on_success, HookDefinition)
    assert on_success.name == "on_success"
    assert on_failure.name == "renamed"


def test_build_hook_context_lets_a_test_call_a_hook_directly() -> None:
    seen = []

    @success_hook(required_resource_keys={"channel"})
    def notify(context):
        seen.append(context.resources.channel)

    notify(build_hook_context(resources={"channel": "#alerts"}))

    assert seen == ["#alerts"]


def test_build_hook_context_carries_the_exception() -> None:
    seen = []

    @failure_hook
    def record(context):
        seen.append(context.op_exception)

    error = ValueError("boom")
    record(build_hook_context(op_exception=error))

    assert seen == [error]


def test_build_hook_context_carries_output_values() -> None:
    seen = []

    @success_hook
    def record(context):
        seen.append(dict(context.op_output_values))

    record(build_hook_context(op_output_values={"result": 5}))

    assert seen == [{"result": 5}]


def test_build_hook_context_carries_the_op() -> None:
    seen = []

    @success_hook
    def record(context):
        seen.append(context.op.name)

    record(build_hook_context(op=five))

    assert seen == ["five"]


def test_build_hook_context_refuses_a_resource_it_was_not_given() -> None:
    @success_hook
    def greedy(context):
        return context.resources.missing

    with pytest.raises(Exception, match="missing"):
        greedy(build_hook_context(resources={"present": 1}))


def test_calling_a_hook_returns_what_its_function_returns() -> None:
    @success_hook
    def answer(context):
        return 42

    assert answer(build_hook_context()) == 42


def test_build_hook_context_starts_resource_definitions() -> None:
    @resource(config_schema={"name": Field(str, default_value="alerts")})
    def channel(init_context):
        return f"#{init_context.resource_config['name']}"

    @success_hook(required_resource_keys={"channel"})
    def notify(context):
        return context.resources.channel

    assert notify(build_hook_context(resources={"channel": channel})) == "#alerts"


def test_build_hook_context_tears_down_its_resources_when_its_block_ends() -> None:
    events = []

    @resource
    def connection(_):
        events.append("open")
        yield "connection"
        events.append("close")

    @success_hook(required_resource_keys={"db"})
    def use_db(context):
        events.append(f"use {context.resources.db}")

    with build_hook_context(resources={"db": connection}) as context:
        use_db(context)
        assert events == ["open", "use connection"]

    assert events == ["open", "use connection", "close"]


def test_build_hook_context_gives_resources_and_hooks_the_instance() -> None:
    instance = Instance.ephemeral()
    seen = []

    @resource
    def needs_instance(init_context):
        seen.append(init_context.instance)

    @success_hook
    def record(context):
        seen.append(context.instance)

    record(build_hook_context(resources={"r": needs_instance}, instance=instance))

    assert seen == [instance, instance]


def test_build_hook_context_reports_a_resource_that_fails_to_start() -> None:
    @resource
    def broken(_):
        raise ConnectionError("no network")

    with pytest.raises(UserCodeError, match="resource 'db' raised ConnectionError: no network"):
        build_hook_context(resources={"db": broken})
