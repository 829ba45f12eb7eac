"""Op selection: op_selection= on execute_in_process / to_job, and job.get_subset."""

from __future__ import annotations

import pytest

from dagwright import (
    Instance,
    InvalidSubsetError,
    RunConfigError,
    graph,
    job,
    op,
)


@op
def a():
    return 1


@op
def b(x):
    return x + 1


@op
def c(x):
    return x * 10


@op
def d(x):
    return x - 1


@op
def other():
    return 5


@job
def chain():
    """a -> b -> c -> d, and an unrelated op `other`."""
    d(c(b(a())))
    other()


@graph
def inner(x):
    return d(c(x))


@job
def nested():
    """a -> b -> inner(c -> d)."""
    inner(b(a()))


def ran(result) -> list[str]:
    return [e.step_key for e in result.get_step_success_events()]


def inputs_for(op_name: str, value: object) -> dict:
    return {"ops": {op_name: {"inputs": {"x": value}}}}


# --------------------------------------------------------------------------
# Clauses


def test_a_bare_name_selects_only_that_op() -> None:
    result = chain.execute_in_process(op_selection=["a"])

    assert ran(result) == ["a"]


def test_star_prefix_selects_the_op_and_all_its_ancestors() -> None:
    result = chain.execute_in_process(op_selection=["*c"])

    assert ran(result) == ["a", "b", "c"]
    assert result.output_for_node("c") == 20


def test_plus_prefix_selects_the_op_and_its_parents() -> None:
    result = chain.execute_in_process(op_selection=["+c"], run_config=inputs_for("b", 1))

    assert ran(result) == ["b", "c"]


def test_two_plus_prefix_selects_two_levels_up() -> None:
    result = chain.execute_in_process(op_selection=["++d"], run_config=inputs_for("b", 1))

    assert ran(result) == ["b", "c", "d"]


def test_plus_suffix_selects_the_op_and_its_children() -> None:
    result = chain.execute_in_process(op_selection=["b+"], run_config=inputs_for("b", 1))

    assert ran(result) == ["b", "c"]


def test_two_plus_suffix_selects_two_levels_down() -> None:
    result = chain.execute_in_process(op_selection=["b++"], run_config=inputs_for("b", 1))

    assert ran(result) == ["b", "c", "d"]


def test_star_suffix_selects_all_descendants() -> None:
    result = chain.execute_in_process(op_selection=["a*"])

    assert ran(result) == ["a", "b", "c", "d"]


def test_star_on_both_sides_selects_ancestors_and_descendants() -> None:
    result = chain.execute_in_process(op_selection=["*c*"])

    assert ran(result) == ["a", "b", "c", "d"]


def test_a_lone_star_selects_everything() -> None:
    result = chain.execute_in_process(op_selection=["*"])

    assert sorted(ran(result)) == ["a", "b", "c", "d", "other"]


def test_a_comma_separated_string_selects_each_clause() -> None:
    result = chain.execute_in_process(op_selection="a, other")

    assert sorted(ran(result)) == ["a", "other"]


def test_a_single_clause_string_is_one_clause() -> None:
    result = chain.execute_in_process(op_selection="*b")

    assert ran(result) == ["a", "b"]


def test_a_list_selects_the_union_of_its_clauses() -> None:
    result = chain.execute_in_process(op_selection=["*b", "other", "a"])

    assert sorted(ran(result)) == ["a", "b", "other"]


def test_clauses_are_stripped_of_surrounding_spaces() -> None:
    result = chain.execute_in_process(op_selection=["  *b "])

    assert ran(result) == ["a", "b"]


def test_an_empty_selection_runs_the_whole_job() -> None:
    result = chain.execute_in_process(op_selection=[])

    assert sorted(ran(result)) == ["a", "b", "c", "d", "other"]


# --------------------------------------------------------------------------
# Only the selection runs


def test_unselected_steps_get_no_events() -> None:
    result = chain.execute_in_process(op_selection=["*b"])

    assert result.events_for_node("c") == []
    assert result.events_for_node("other") == []
    assert result.is_node_untouched("d")


def test_selected_steps_produce_their_outputs() -> None:
    result = chain.execute_in_process(op_selection=["*b"])

    assert result.output_for_node("b") == 2


# --------------------------------------------------------------------------
# The subset job


def test_get_subset_keeps_the_job_name() -> None:
    subset = chain.get_subset(op_selection=["*b"])

    assert subset.name == "chain"


def test_get_subset_records_the_op_selection() -> None:
    subset = chain.get_subset(op_selection=["*b", "other"])

    assert subset.op_selection == ["*b", "other"]


def test_get_subset_keeps_only_the_selected_nodes() -> None:
    subset = chain.get_subset(op_selection=["*b"])

    assert sorted(subset.graph.node_names()) == ["a", "b"]
    assert sorted(chain.graph.node_names()) == ["a", "b", "c", "d", "other"]


def test_get_subset_records_comma_separated_clauses_as_a_list() -> None:
    subset = chain.get_subset(op_selection="a,other")

    assert subset.op_selection == ["a", "other"]


def test_the_full_job_has_no_op_selection() -> None:
    assert chain.op_selection is None


def test_get_subset_with_no_selection_returns_the_full_job() -> None:
    assert sorted(chain.get_subset(op_selection=None).graph.node_names()) == [
        "a",
        "b",
        "c",
        "d",
        "other",
    ]


def test_a_selected_run_records_the_selection_and_the_subset_job() -> None:
    result = chain.execute_in_process(op_selection=["*b"])

    assert result.job_def.name == "chain"
    assert result.job_def.op_selection == ["*b"]
    assert result.dagster_run.op_selection == ["*b"]
    assert result.dagster_run.job_name == "chain"


def test_a_plain_run_has_no_op_selection() -> None:
    assert chain.execute_in_process().dagster_run.op_selection is None


def test_to_job_op_selection_builds_a_subset_job() -> None:
    @graph
    def g():
        d(c(b(a())))

    subset = g.to_job(op_selection=["*b"])

    assert subset.name == "g"
    assert subset.op_selection == ["*b"]
    assert ran(subset.execute_in_process()) == ["a", "b"]


def test_graph_execute_in_process_accepts_an_op_selection() -> None:
    @graph
    def g():
        d(c(b(a())))

    assert ran(g.execute_in_process(op_selection=["a+"])) == ["a", "b"]


def test_a_subset_job_can_be_subset_again_from_the_full_graph_selection() -> None:
    subset = chain.get_subset(op_selection=["*c"])

    assert ran(subset.execute_in_process(op_selection=["*b"])) == ["a", "b"]


# --------------------------------------------------------------------------
# Inputs whose upstream is not selected


def test_an_unselected_upstream_makes_the_input_come_from_run_config() -> None:
    result = chain.execute_in_process(op_selection=["c"], run_config=inputs_for("c", 4))

    assert ran(result) == ["c"]
    assert result.output_for_node("c") == 40


def test_run_config_input_may_use_the_value_form() -> None:
    result = chain.execute_in_process(
        op_selection=["c"], run_config={"ops": {"c": {"inputs": {"x": {"value": 4}}}}}
    )

    assert result.output_for_node("c") == 40


def test_a_missing_input_for_an_unselected_upstream_is_a_run_config_error() -> None:
    with pytest.raises(RunConfigError) as info:
        chain.execute_in_process(op_selection=["c"])

    assert "ops.c.inputs.x" in str(info.value)


def test_the_missing_input_error_comes_before_the_run_even_without_raise_on_error() -> None:
    instance = Instance.ephemeral()

    with pytest.raises(RunConfigError):
        chain.execute_in_process(op_selection=["c"], raise_on_error=False, instance=instance)

    assert instance.get_runs() == []


def test_an_input_with_a_default_needs_no_config_when_its_upstream_is_unselected() -> None:
    from dagwright import In

    @op(ins={"x": In(default_value=7)})
    def with_default(x):
        return x

    @job
    def j():
        with_default(a())

    assert j.execute_in_process(op_selection=["with_default"]).output_for_node("with_default") == 7


def test_a_fan_in_with_a_deselected_source_keeps_the_selected_ones() -> None:
    @op
    def collect(xs):
        return xs

    @job
    def j():
        collect([a(), other(), b(a())])

    result = j.execute_in_process(op_selection=["other", "collect"])

    assert result.output_for_node("collect") == [5]


def test_a_fan_in_keeps_the_order_of_the_selected_sources() -> None:
    @op
    def collect(xs):
        return xs

    @job
    def j():
        collect([other(), a(), b(a())])

    result = j.execute_in_process(op_selection=["*b", "other", "collect"])

    assert result.output_for_node("collect") == [5, 2]


# --------------------------------------------------------------------------
# Nested graphs


def test_a_dotted_clause_selects_an_op_inside_a_nested_graph() -> None:
    result = nested.execute_in_process(
        op_selection=["inner.c"],
        run_config={"ops": {"inner": {"ops": {"c": {"inputs": {"x": 3}}}}}},
    )

    assert ran(result) == ["inner.c"]
    assert result.output_for_node("inner.c") == 30


def test_plus_and_star_move_inside_the_nested_graph() -> None:
    result = nested.execute_in_process(
        op_selection=["inner.c*"],
        run_config={"ops": {"inner": {"ops": {"c": {"inputs": {"x": 3}}}}}},
    )

    assert ran(result) == ["inner.c", "inner.d"]


def test_a_missing_input_inside_a_nested_graph_names_the_nested_path() -> None:
    with pytest.raises(RunConfigError) as info:
        nested.execute_in_process(op_selection=["inner.c"])

    assert "ops.inner.ops.c.inputs.x" in str(info.value)


def test_a_graph_node_name_selects_every_op_in_it() -> None:
    result = nested.execute_in_process(op_selection=["*inner"])

    assert ran(result) == ["a", "b", "inner.c", "inner.d"]


def test_a_graph_node_selected_without_its_upstream_takes_its_input_from_run_config() -> None:
    result = nested.execute_in_process(
        op_selection=["inner"], run_config={"ops": {"inner": {"inputs": {"x": 3}}}}
    )

    assert ran(result) == ["inner.c", "inner.d"]
    assert result.output_for_node("inner") == 29


def test_downstream_of_a_nested_op_selects_the_nested_op() -> None:
    result = nested.execute_in_process(op_selection=["b+"], run_config=inputs_for("b", 0))

    assert ran(result) == ["b", "inner.c", "inner.d"]


# --------------------------------------------------------------------------
# Unknown names


def test_an_unknown_name_raises_invalid_subset_error_with_did_you_mean() -> None:
    with pytest.raises(InvalidSubsetError) as info:
        chain.execute_in_process(op_selection=["a", "othr"])

    message = str(info.value)
    assert "'chain'" in message
    assert "'othr'" in message
    assert "Did you mean 'other'" in message


def test_an_unknown_name_lists_the_job_nodes() -> None:
    with pytest.raises(InvalidSubsetError) as info:
        chain.get_subset(op_selection=["zzz"])

    for name in ("a", "b", "c", "d", "other"):
        assert f"'{name}'" in str(info.value)


def test_one_unknown_clause_fails_the_whole_selection() -> None:
    with pytest.raises(InvalidSubsetError, match="zzz"):
        chain.execute_in_process(op_selection=["*d", "zzz"])


def test_an_unknown_name_with_graph_syntax_is_unknown() -> None:
    with pytest.raises(InvalidSubsetError, match="Did you mean 'other'"):
        chain.execute_in_process(op_selection=["*othr+"])


def test_an_invalid_clause_raises_invalid_subset_error() -> None:
    with pytest.raises(InvalidSubsetError, match=r"\+\+\+\+"):
        chain.execute_in_process(op_selection=["++++"])


def test_an_unknown_graph_in_a_dotted_clause_suggests_the_close_name() -> None:
    with pytest.raises(InvalidSubsetError, match="Did you mean 'inner'"):
        nested.execute_in_process(op_selection=["innr.c"])


def test_an_unknown_op_in_a_nested_graph_suggests_the_close_name() -> None:
    with pytest.raises(InvalidSubsetError) as info:
        nested.execute_in_process(op_selection=["inner.cc"])

    assert "'cc'" in str(info.value)
    assert "Did you mean 'c'" in str(info.value)


def test_a_dotted_clause_below_an_op_says_the_op_is_not_a_graph() -> None:
    with pytest.raises(InvalidSubsetError) as info:
        nested.execute_in_process(op_selection=["a.c"])

    message = str(info.value)
    assert "'a'" in message
    assert "not a graph" in message
    assert "Did you mean 'a'" not in message


def test_an_unknown_name_in_to_job_op_selection_is_rejected() -> None:
    @graph
    def g():
        b(a())

    with pytest.raises(InvalidSubsetError, match="Did you mean 'b'"):
        g.to_job(op_selection=["bb"])


# --------------------------------------------------------------------------
# Nested graphs kept in part, messages, subsets of subsets


@job
def nested_then_after():
    """a -> inner(c -> d) -> after (b, renamed): the graph's output comes from inner.d."""
    b.alias("after")(inner(a()))


def test_keeping_a_nested_graph_without_the_op_of_its_output_unwires_the_consumer() -> None:
    run_config = {"ops": {"after": {"inputs": {"x": 41}}, "inner": {"inputs": {"x": 1}}}}

    result = nested_then_after.execute_in_process(
        op_selection=["inner.c", "after"], run_config=run_config
    )

    assert ran(result) == ["after", "inner.c"]
    assert result.output_for_node("after") == 42


def test_an_unknown_op_inside_a_nested_graph_is_named_with_its_graph() -> None:
    with pytest.raises(InvalidSubsetError, match=r"'nope', which is not a node of graph 'inner'"):
        nested.get_subset(op_selection=["inner.nope"])


def test_a_clause_that_is_not_selection_syntax_says_how_clauses_look() -> None:
    with pytest.raises(InvalidSubsetError, match=r"'inner\.', which is not a selection"):
        nested.get_subset(op_selection=["inner."])


def test_a_subset_of_a_subset_selects_from_the_whole_job() -> None:
    first = chain.get_subset(op_selection=["a"])

    second = first.get_subset(op_selection=["*c"])

    assert sorted(n.name for n in second.graph.nodes) == ["a", "b", "c"]
    assert second.op_selection == ["*c"]
