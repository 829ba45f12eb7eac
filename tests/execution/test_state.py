"""The step state machine, seen through runs: readiness, skips, retries and dynamic fan-out."""

from __future__ import annotations

from dagwright import (
    DynamicOut,
    DynamicOutput,
    EventType,
    Out,
    Output,
    RetryPolicy,
    job,
    op,
)


@op(out=DynamicOut())
def letters():
    for key in ["a", "b", "c"]:
        yield DynamicOutput(key, mapping_key=key)


@op(out=DynamicOut())
def numbers():
    for n in [1, 2]:
        yield DynamicOutput(n, mapping_key=f"n{n}")


@op
def double(x):
    return x * 2


@op
def tag_with(letter, doubled_numbers):
    return f"{letter}{sum(doubled_numbers)}"


def events_of(result, step_key):
    return [e.event_type_value for e in result.all_events if e.step_key == step_key]


def test_a_mapped_op_can_take_the_collected_results_of_another_mapped_op() -> None:
    # "aa_numbers" sorts before "letters": the collected steps exist before the collector's.
    @job
    def cross():
        doubled = numbers.alias("aa_numbers")().map(double).collect()
        letters().map(lambda letter: tag_with(letter, doubled))

    result = cross.execute_in_process()

    assert result.output_for_node("tag_with") == {"a": "a6", "b": "b6", "c": "c6"}


def test_a_mapped_collector_waits_for_every_collected_step_whichever_fans_out_first() -> None:
    # letters (level 0) and numbers (level 0) run in key order: letters fans out first, so
    # tag_with[*] exist before any double[*] does and must start waiting for them later.
    order = []

    @op
    def slow_double(x):
        order.append(f"double {x}")
        return x * 2

    @op
    def record(letter, values):
        order.append(f"tag {letter} {values}")
        return values

    @job
    def cross():
        doubled = numbers().map(slow_double).collect()
        letters().map(lambda letter: record(letter, doubled))

    cross.execute_in_process()

    first_tag = next(i for i, line in enumerate(order) if line.startswith("tag"))
    assert order[:first_tag] == ["double 1", "double 2"]
    assert all(line.endswith("[2, 4]") for line in order[first_tag:])


def test_a_step_downstream_of_a_failure_is_skipped_naming_the_step_that_failed() -> None:
    @op
    def bad():
        raise ValueError("boom")

    @op
    def middle(x):
        return x

    @op
    def end(x):
        return x

    @job
    def chain():
        end(middle(bad()))

    result = chain.execute_in_process(raise_on_error=False)

    reasons = {e.step_key: e.event_specific_data.reason for e in result.get_step_skipped_events()}
    assert reasons == {
        "middle": "upstream step 'bad' failed",
        "end": "upstream step 'bad' failed",
    }


def test_a_skipped_step_never_starts() -> None:
    @op(out={"maybe": Out(is_required=False)})
    def optional():
        yield from ()

    @op
    def after(x):
        return x

    @job
    def skipping():
        after(optional())

    result = skipping.execute_in_process()

    assert events_of(result, "after") == [EventType.STEP_SKIPPED]


def test_a_step_downstream_of_a_skipped_step_says_it_was_skipped() -> None:
    @op(out={"maybe": Out(is_required=False)})
    def optional():
        yield from ()

    @op
    def first(x):
        return x

    @op
    def second(x):
        return x

    @job
    def skipping():
        second(first(optional()))

    result = skipping.execute_in_process()

    reasons = {e.step_key: e.event_specific_data.reason for e in result.get_step_skipped_events()}
    assert reasons["second"] == "upstream step 'first' was skipped"


def test_a_long_chain_of_skipped_steps_is_skipped_without_recursion() -> None:
    @op
    def bad():
        raise ValueError("boom")

    @op
    def link(x):
        return x

    @job
    def long_chain():
        value = bad()
        for i in range(1500):
            value = link.alias(f"l{i}")(value)

    result = long_chain.execute_in_process(raise_on_error=False)

    assert len(result.get_step_skipped_events()) == 1500


def test_a_retried_dynamic_op_keeps_only_the_keys_of_its_successful_attempt() -> None:
    attempts = []

    @op(out=DynamicOut(), retry_policy=RetryPolicy(max_retries=1))
    def flaky_fan(context):
        attempts.append(context.retry_number)
        if context.retry_number == 0:
            yield DynamicOutput(100, mapping_key="stale")
            raise ValueError("first attempt fails")
        yield DynamicOutput(1, mapping_key="fresh")

    @op
    def total(values):
        return sum(values)

    @job
    def retried():
        total(flaky_fan().map(double).collect())

    result = retried.execute_in_process()

    assert attempts == [0, 1]
    assert result.output_for_node("flaky_fan") == {"fresh": 1}
    assert result.output_for_node("total") == 2
    assert "double[stale]" not in {e.step_key for e in result.all_events}


def test_a_retried_op_does_not_keep_an_output_of_its_failed_attempt() -> None:
    @op(out={"a": Out(is_required=False), "b": Out()}, retry_policy=RetryPolicy(max_retries=1))
    def flaky(context):
        if context.retry_number == 0:
            yield Output(1, "a")
            raise ValueError("fails after yielding a")
        yield Output(2, "b")

    @op
    def show(x):
        return x

    @job
    def retried():
        a, b = flaky()
        show(a)
        show.alias("show_b")(b)

    result = retried.execute_in_process()

    assert result.is_node_skipped("show")
    assert result.output_for_node("show_b") == 2
