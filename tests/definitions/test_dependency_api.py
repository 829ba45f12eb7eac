"""The explicit graph API: GraphDefinition(node_defs=..., dependencies=...) and mappings."""

from __future__ import annotations

import pytest

from dagwright import (
    DependencyDefinition,
    DynamicCollectDependencyDefinition,
    DynamicOut,
    DynamicOutput,
    GraphDefinition,
    InputMapping,
    InvalidDefinitionError,
    MappedInputPlaceholder,
    MultiDependencyDefinition,
    NodeInvocation,
    Out,
    OutputMapping,
    RetryPolicy,
    graph,
    op,
    success_hook,
)


@op
def return_one():
    return 1


@op
def add_one(number):
    return number + 1


@op
def total(xs):
    return sum(xs)


@op
def listed(xs):
    return xs


@op(out={"low": Out(), "high": Out()})
def split():
    return 1, 10


@op(out=DynamicOut())
def fan():
    for i in range(3):
        yield DynamicOutput(i, mapping_key=f"k{i}")


def node_defs_of(graph_def: GraphDefinition) -> list:
    """The distinct definitions used by a graph's nodes."""
    found: list = []
    for node in graph_def.nodes:
        if all(node.definition is not d for d in found):
            found.append(node.definition)
    return found


# --------------------------------------------------------------------------
# Dependencies


def test_explicit_graph_with_a_dependency_runs_as_a_job() -> None:
    one_plus_one = GraphDefinition(
        name="one_plus_one",
        node_defs=[return_one, add_one],
        dependencies={"add_one": {"number": DependencyDefinition("return_one")}},
    )

    result = one_plus_one.to_job().execute_in_process()

    assert result.success
    assert result.output_for_node("add_one") == 2
    assert [e.step_key for e in result.get_step_success_events()] == ["return_one", "add_one"]


def test_node_defs_without_dependencies_still_become_nodes() -> None:
    g = GraphDefinition("g", node_defs=[return_one, total], dependencies={})

    assert sorted(g.node_names()) == ["return_one", "total"]


def test_dependency_definition_defaults_to_the_result_output() -> None:
    dep = DependencyDefinition("return_one")

    assert dep.node == "return_one"
    assert dep.output == "result"


def test_dependency_definition_selects_a_named_output() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[split, add_one],
        dependencies={"add_one": {"number": DependencyDefinition("split", "high")}},
    )

    assert g.execute_in_process().output_for_node("add_one") == 11


def test_dependency_definition_requires_a_node_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        DependencyDefinition(return_one)  # type: ignore[arg-type]

    assert "DependencyDefinition" in str(info.value)
    assert "Fix:" in str(info.value)


def test_a_dependency_value_that_is_not_a_dependency_definition_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[return_one, add_one],
            dependencies={"add_one": {"number": "return_one"}},
        )

    message = str(info.value)
    assert "'number'" in message
    assert "DependencyDefinition" in message


def test_node_defs_entries_must_be_definitions() -> None:
    def not_an_op():
        return 1

    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition("g", node_defs=[return_one, not_an_op])

    assert "graph 'g'" in str(info.value)
    assert "Fix:" in str(info.value)


# --------------------------------------------------------------------------
# Fan-in


def test_multi_dependency_definition_fans_in_a_list_in_order() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[return_one, add_one, listed],
        dependencies={
            "add_one": {"number": DependencyDefinition("return_one")},
            "listed": {
                "xs": MultiDependencyDefinition(
                    [DependencyDefinition("add_one"), DependencyDefinition("return_one")]
                )
            },
        },
    )

    assert g.execute_in_process().output_for_node("listed") == [2, 1]


def test_multi_dependency_definition_rejects_non_dependency_items() -> None:
    with pytest.raises(InvalidDefinitionError, match="MultiDependencyDefinition"):
        MultiDependencyDefinition([DependencyDefinition("a"), "b"])  # type: ignore[list-item]


def test_mapped_input_placeholder_is_filled_by_an_input_mapping_at_its_index() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[return_one, listed],
        dependencies={
            "listed": {
                "xs": MultiDependencyDefinition(
                    [DependencyDefinition("return_one"), MappedInputPlaceholder]
                )
            }
        },
        input_mappings=[InputMapping("extra", "listed", "xs", fan_in_index=1)],
    )

    result = g.execute_in_process(input_values={"extra": 100})

    assert [d.name for d in g.input_defs] == ["extra"]
    assert result.output_for_node("listed") == [1, 100]


def test_an_unfilled_mapped_input_placeholder_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[return_one, listed],
            dependencies={
                "listed": {
                    "xs": MultiDependencyDefinition(
                        [DependencyDefinition("return_one"), MappedInputPlaceholder]
                    )
                }
            },
        )

    message = str(info.value)
    assert "'xs'" in message
    assert "'listed'" in message
    assert "InputMapping" in message


# --------------------------------------------------------------------------
# NodeInvocation keys


def test_node_invocation_alias_names_the_node() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[return_one, add_one],
        dependencies={
            NodeInvocation("add_one", alias="first"): {
                "number": DependencyDefinition("return_one")
            },
            NodeInvocation("add_one", alias="second"): {"number": DependencyDefinition("first")},
        },
    )

    result = g.execute_in_process()

    assert sorted(g.node_names()) == ["first", "return_one", "second"]
    assert g.node_named("second").definition is add_one
    assert result.output_for_node("second") == 3


def test_node_invocation_tags_are_set_on_the_node() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[return_one],
        dependencies={NodeInvocation("return_one", tags={"team": "data"}): {}},
    )

    assert g.node_named("return_one").tags["team"] == "data"


def test_node_invocation_hook_defs_are_set_on_the_node() -> None:
    @success_hook
    def note(_context):
        pass

    g = GraphDefinition(
        "g",
        node_defs=[return_one],
        dependencies={NodeInvocation("return_one", hook_defs={note}): {}},
    )

    assert g.node_named("return_one").hook_defs == {note}


def test_node_invocation_retry_policy_is_set_on_the_node() -> None:
    policy = RetryPolicy(max_retries=2)
    g = GraphDefinition(
        "g",
        node_defs=[return_one],
        dependencies={NodeInvocation("return_one", retry_policy=policy): {}},
    )

    assert g.node_named("return_one").retry_policy == policy


def test_node_invocation_of_an_unknown_definition_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[return_one, add_one],
            dependencies={
                NodeInvocation("add_on", alias="x"): {"number": DependencyDefinition("return_one")}
            },
        )

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'add_on'" in message
    assert "Did you mean 'add_one'" in message


# --------------------------------------------------------------------------
# Input and output mappings


def test_input_mapping_makes_a_graph_input() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[add_one],
        input_mappings=[InputMapping("start", "add_one", "number")],
    )

    result = g.execute_in_process(input_values={"start": 41})

    assert [d.name for d in g.input_defs] == ["start"]
    assert result.output_for_node("add_one") == 42


def test_one_graph_input_can_be_mapped_to_several_nodes() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[add_one],
        dependencies={NodeInvocation("add_one", alias="a"): {}, NodeInvocation("add_one", "b"): {}},
        input_mappings=[
            InputMapping("start", "a", "number"),
            InputMapping("start", "b", "number"),
        ],
    )

    result = g.execute_in_process(input_values={"start": 1})

    assert [d.name for d in g.input_defs] == ["start"]
    assert result.output_for_node("a") == 2
    assert result.output_for_node("b") == 2


def test_output_mapping_makes_a_graph_output() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[return_one, add_one],
        dependencies={"add_one": {"number": DependencyDefinition("return_one")}},
        output_mappings=[OutputMapping("answer", "add_one", "result")],
    )

    result = g.execute_in_process()

    assert [d.name for d in g.output_defs] == ["answer"]
    assert result.output_value("answer") == 2


def test_output_mapping_of_a_named_op_output() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[split],
        output_mappings=[OutputMapping("big", "split", "high")],
    )

    assert g.execute_in_process().output_value("big") == 10


def test_an_explicit_graph_nests_in_a_graph_body_through_its_mappings() -> None:
    inner = GraphDefinition(
        "inner",
        node_defs=[add_one],
        input_mappings=[InputMapping("start", "add_one", "number")],
        output_mappings=[OutputMapping("result", "add_one")],
    )

    @graph
    def outer():
        add_one(inner(return_one()))

    result = outer.execute_in_process()

    assert result.output_for_node("inner.add_one") == 2
    assert result.output_for_node("inner") == 2
    assert result.output_for_node("add_one") == 3


def test_an_explicit_graph_nests_in_another_explicit_graph() -> None:
    inner = GraphDefinition(
        "inner",
        node_defs=[add_one],
        input_mappings=[InputMapping("start", "add_one", "number")],
        output_mappings=[OutputMapping("result", "add_one")],
    )
    outer = GraphDefinition(
        "outer",
        node_defs=[return_one, inner],
        dependencies={"inner": {"start": DependencyDefinition("return_one")}},
    )

    assert outer.execute_in_process().output_for_node("inner") == 2


def test_an_input_mapping_to_an_unknown_node_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g", node_defs=[add_one], input_mappings=[InputMapping("x", "add_on", "number")]
        )

    assert "'add_on'" in str(info.value)
    assert "Did you mean 'add_one'" in str(info.value)


def test_an_input_mapping_to_an_unknown_input_names_the_inputs() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g", node_defs=[add_one], input_mappings=[InputMapping("x", "add_one", "n")]
        )

    assert "'n'" in str(info.value)
    assert "'number'" in str(info.value)


def test_an_output_mapping_to_an_unknown_node_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g", node_defs=[return_one], output_mappings=[OutputMapping("out", "return_on")]
        )

    assert "'return_on'" in str(info.value)
    assert "Did you mean 'return_one'" in str(info.value)


def test_an_output_mapping_to_an_unknown_output_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[return_one],
            output_mappings=[OutputMapping("out", "return_one", "reslt")],
        )

    assert "'reslt'" in str(info.value)
    assert "Did you mean 'result'" in str(info.value)


# --------------------------------------------------------------------------
# Dynamic collect


def test_a_dependency_on_a_dynamic_output_maps_the_node() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[fan, add_one],
        dependencies={"add_one": {"number": DependencyDefinition("fan")}},
    )

    result = g.execute_in_process()

    assert result.output_for_node("add_one") == {"k0": 1, "k1": 2, "k2": 3}


def test_dynamic_collect_dependency_gathers_mapped_results() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[fan, add_one, listed],
        dependencies={
            "add_one": {"number": DependencyDefinition("fan")},
            "listed": {"xs": DynamicCollectDependencyDefinition("add_one")},
        },
    )

    result = g.execute_in_process()

    assert result.output_for_node("listed") == [1, 2, 3]
    assert [e.step_key for e in result.get_step_success_events()] == [
        "fan",
        "add_one[k0]",
        "add_one[k1]",
        "add_one[k2]",
        "listed",
    ]


def test_dynamic_collect_dependency_gathers_a_dynamic_output_itself() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[fan, listed],
        dependencies={"listed": {"xs": DynamicCollectDependencyDefinition("fan")}},
    )

    assert g.execute_in_process().output_for_node("listed") == [0, 1, 2]


def test_dynamic_collect_of_a_plain_output_is_rejected() -> None:
    g = GraphDefinition(
        "g",
        node_defs=[return_one, listed],
        dependencies={"listed": {"xs": DynamicCollectDependencyDefinition("return_one")}},
    )

    with pytest.raises(InvalidDefinitionError) as info:
        g.to_job()

    message = str(info.value)
    assert "'xs'" in message
    assert "'return_one'" in message
    assert "Fix:" in message


# --------------------------------------------------------------------------
# graph.dependencies round-trips


def test_dependencies_of_a_composed_graph_use_node_invocation_keys() -> None:
    @graph
    def g():
        add_one.alias("inc")(return_one())

    deps = g.dependencies
    by_node = {(k.name, k.alias): v for k, v in deps.items()}

    assert set(by_node) == {("return_one", None), ("add_one", "inc")}
    dep = by_node[("add_one", "inc")]["number"]
    assert isinstance(dep, DependencyDefinition)
    assert (dep.node, dep.output) == ("return_one", "result")


def test_dependencies_of_a_composed_graph_rebuild_an_equivalent_graph() -> None:
    @graph
    def g():
        one = return_one()
        listed([add_one(one), add_one(one), one])

    rebuilt = GraphDefinition("rebuilt", node_defs=node_defs_of(g), dependencies=g.dependencies)

    assert sorted(rebuilt.node_names()) == sorted(g.node_names())
    assert rebuilt.execute_in_process().output_for_node("listed") == [2, 2, 1]


def test_dependencies_round_trip_a_fan_in() -> None:
    original = GraphDefinition(
        "g",
        node_defs=[return_one, add_one, listed],
        dependencies={
            "add_one": {"number": DependencyDefinition("return_one")},
            "listed": {
                "xs": MultiDependencyDefinition(
                    [DependencyDefinition("return_one"), DependencyDefinition("add_one")]
                )
            },
        },
    )

    multi = next(v for k, v in original.dependencies.items() if k.name == "listed")["xs"]

    assert isinstance(multi, MultiDependencyDefinition)
    assert [(d.node, d.output) for d in multi.dependencies] == [
        ("return_one", "result"),
        ("add_one", "result"),
    ]


def test_dependencies_round_trip_a_dynamic_collect() -> None:
    @graph
    def g():
        listed(fan().map(add_one).collect())

    rebuilt = GraphDefinition("rebuilt", node_defs=node_defs_of(g), dependencies=g.dependencies)
    collect = next(v for k, v in g.dependencies.items() if k.name == "listed")["xs"]

    assert isinstance(collect, DynamicCollectDependencyDefinition)
    assert collect.node_name == "add_one"
    assert rebuilt.execute_in_process().output_for_node("listed") == [1, 2, 3]


def test_dependencies_round_trip_node_tags() -> None:
    @graph
    def g():
        return_one.tag({"team": "data"})()

    key = next(iter(g.dependencies))

    assert key.tags["team"] == "data"


def test_input_mappings_of_a_composed_graph_rebuild_its_inputs() -> None:
    @graph
    def g(start):
        add_one(start)

    rebuilt = GraphDefinition(
        "rebuilt",
        node_defs=node_defs_of(g),
        dependencies=g.dependencies,
        input_mappings=g.input_mappings,
        output_mappings=g.output_mappings,
    )

    assert [d.name for d in rebuilt.input_defs] == ["start"]
    assert rebuilt.execute_in_process(input_values={"start": 1}).output_for_node("add_one") == 2


# --------------------------------------------------------------------------
# Unknown names, with did-you-mean


def test_unknown_upstream_node_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[return_one, add_one],
            dependencies={"add_one": {"number": DependencyDefinition("return_on")}},
        )

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'number'" in message
    assert "'add_one'" in message
    assert "'return_on'" in message
    assert "Did you mean 'return_one'" in message


def test_unknown_upstream_node_in_a_fan_in_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError, match="Did you mean 'return_one'"):
        GraphDefinition(
            "g",
            node_defs=[return_one, listed],
            dependencies={
                "listed": {
                    "xs": MultiDependencyDefinition(
                        [DependencyDefinition("return_one"), DependencyDefinition("return_on")]
                    )
                }
            },
        )


def test_unknown_upstream_output_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[split, add_one],
            dependencies={"add_one": {"number": DependencyDefinition("split", "hihg")}},
        )

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'hihg'" in message
    assert "'split'" in message
    assert "Did you mean 'high'" in message


def test_unknown_upstream_output_lists_the_outputs() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[split, add_one],
            dependencies={"add_one": {"number": DependencyDefinition("split", "zzz")}},
        )

    assert "'low'" in str(info.value)
    assert "'high'" in str(info.value)


def test_unknown_node_as_a_dependencies_key_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition(
            "g",
            node_defs=[return_one, add_one],
            dependencies={"add_on": {"number": DependencyDefinition("return_one")}},
        )

    assert "'add_on'" in str(info.value)
    assert "Did you mean 'add_one'" in str(info.value)


def test_unknown_collect_source_suggests_the_close_name() -> None:
    with pytest.raises(InvalidDefinitionError, match="Did you mean 'fan'"):
        GraphDefinition(
            "g",
            node_defs=[fan, listed],
            dependencies={"listed": {"xs": DynamicCollectDependencyDefinition("fam")}},
        )
