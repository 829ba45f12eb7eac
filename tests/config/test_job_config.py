"""Job-level config: the spec's three ways (hardcoded config, config mappings, partitioned config).

Spec: "Configuring jobs" in jobs.txt; intended behaviour: "Config (issue 3)" in the semantics notes.
"""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    ConfigMapping,
    Field,
    InvalidDefinitionError,
    InvalidInvocationError,
    RunConfig,
    RunConfigError,
    StaticPartitionsDefinition,
    StringSource,
    config_mapping,
    graph,
    job,
    op,
    resource,
    static_partitioned_config,
    validate_run_config,
)

# --------------------------------------------------------------------------
# Building blocks


@op(config_schema={"config_param": str})
def do_something(context: Any) -> str:
    return context.op_config["config_param"]


@op(config_schema={"a": int, "b": int})
def two_fields(context: Any) -> dict[str, int]:
    return dict(context.op_config)


@resource(config_schema={"host": str, "port": int})
def db(init_context: Any) -> dict[str, Any]:
    return dict(init_context.resource_config)


@op(required_resource_keys={"db"})
def use_db(context: Any) -> dict[str, Any]:
    return context.resources.db


HARDCODED = {
    "ops": {
        "do_something": {"config": {"config_param": "stuff"}},
        "two_fields": {"config": {"a": 1, "b": 2}},
    }
}


@job(config=HARDCODED)
def hardcoded_job():
    do_something()
    two_fields()


@job(
    resource_defs={"db": db},
    config={"resources": {"db": {"config": {"host": "h", "port": 1}}}},
)
def hardcoded_resource_job():
    use_db()


# --------------------------------------------------------------------------
# Hardcoded config


def test_spec_example_hardcoded_config_is_used_when_no_run_config_is_given() -> None:
    default_config = {"ops": {"do_something": {"config": {"config_param": "stuff"}}}}

    @job(config=default_config)
    def do_it_all_with_default_config():
        do_something()

    result = do_it_all_with_default_config.execute_in_process()

    assert result.success
    assert result.output_for_node("do_something") == "stuff"


def test_hardcoded_config_fills_every_op_it_names() -> None:
    result = hardcoded_job.execute_in_process()

    assert result.output_for_node("do_something") == "stuff"
    assert result.output_for_node("two_fields") == {"a": 1, "b": 2}


def test_overriding_one_op_at_launch_keeps_the_other_ops_hardcoded_config() -> None:
    result = hardcoded_job.execute_in_process(
        run_config={"ops": {"do_something": {"config": {"config_param": "launched"}}}}
    )

    assert result.output_for_node("do_something") == "launched"
    assert result.output_for_node("two_fields") == {"a": 1, "b": 2}


def test_an_empty_ops_section_at_launch_keeps_every_hardcoded_op() -> None:
    result = hardcoded_job.execute_in_process(run_config={"ops": {}})

    assert result.output_for_node("do_something") == "stuff"
    assert result.output_for_node("two_fields") == {"a": 1, "b": 2}


def test_overriding_every_op_at_launch_replaces_the_whole_hardcoded_config() -> None:
    result = hardcoded_job.execute_in_process(
        run_config={
            "ops": {
                "do_something": {"config": {"config_param": "new"}},
                "two_fields": {"config": {"a": 10, "b": 20}},
            }
        }
    )

    assert result.output_for_node("do_something") == "new"
    assert result.output_for_node("two_fields") == {"a": 10, "b": 20}


def test_a_partial_op_override_replaces_its_config_without_merging_fields() -> None:
    with pytest.raises(RunConfigError) as caught:
        hardcoded_job.execute_in_process(run_config={"ops": {"two_fields": {"config": {"a": 9}}}})

    problems = caught.value.problems
    assert [(p.path, p.reason) for p in problems] == [
        ("ops.two_fields.config.b", "MISSING_REQUIRED_FIELD")
    ]


def test_overriding_one_top_level_key_keeps_the_other_hardcoded_top_level_keys() -> None:
    @job(
        resource_defs={"db": db},
        config={
            "resources": {"db": {"config": {"host": "h", "port": 1}}},
            "ops": {"do_something": {"config": {"config_param": "stuff"}}},
        },
    )
    def both_sections():
        use_db()
        do_something()

    result = both_sections.execute_in_process(
        run_config={"ops": {"do_something": {"config": {"config_param": "other"}}}}
    )

    assert result.output_for_node("use_db") == {"host": "h", "port": 1}
    assert result.output_for_node("do_something") == "other"


def test_hardcoded_resource_config_is_used_by_default() -> None:
    result = hardcoded_resource_job.execute_in_process()

    assert result.output_for_node("use_db") == {"host": "h", "port": 1}


def test_a_resource_override_at_launch_replaces_the_hardcoded_resource_config() -> None:
    result = hardcoded_resource_job.execute_in_process(
        run_config={"resources": {"db": {"config": {"host": "z", "port": 2}}}}
    )

    assert result.output_for_node("use_db") == {"host": "z", "port": 2}


def test_a_partial_resource_override_drops_the_hardcoded_fields_it_leaves_out() -> None:
    with pytest.raises(RunConfigError) as caught:
        hardcoded_resource_job.execute_in_process(
            run_config={"resources": {"db": {"config": {"port": 2}}}}
        )

    assert [p.path for p in caught.value.problems] == ["resources.db.config.host"]


def test_a_wrong_type_in_hardcoded_config_is_an_error_when_the_job_is_built() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"ops\.do_something\.config\.config_param"):

        @job(config={"ops": {"do_something": {"config": {"config_param": 1}}}})
        def bad_job():
            do_something()


def test_an_unknown_op_in_hardcoded_config_is_an_error_when_the_job_is_built() -> None:
    with pytest.raises(InvalidDefinitionError, match="nope"):

        @job(config={"ops": {"nope": {"config": {}}}})
        def bad_job():
            do_something()


def test_an_unknown_top_level_key_in_hardcoded_config_suggests_the_right_one() -> None:
    with pytest.raises(InvalidDefinitionError, match="Did you mean 'ops'"):

        @job(config={"opz": {"do_something": {"config": {"config_param": "x"}}}})
        def bad_job():
            do_something()


def test_to_job_checks_hardcoded_config_when_the_job_is_built() -> None:
    @graph
    def wrapped():
        do_something()

    with pytest.raises(InvalidDefinitionError, match="config_param"):
        wrapped.to_job(config={"ops": {"do_something": {"config": {"config_param": 5}}}})


def test_hardcoded_config_may_leave_required_values_to_the_launch() -> None:
    @job(
        resource_defs={"db": db},
        config={"ops": {"do_something": {"config": {"config_param": "x"}}}},
    )
    def partial_job():
        use_db()
        do_something()

    result = partial_job.execute_in_process(
        run_config={"resources": {"db": {"config": {"host": "h", "port": 5}}}}
    )

    assert result.output_for_node("use_db") == {"host": "h", "port": 5}
    assert result.output_for_node("do_something") == "x"


def test_required_values_missing_from_hardcoded_config_and_launch_fail_the_launch() -> None:
    @job(
        resource_defs={"db": db},
        config={"ops": {"do_something": {"config": {"config_param": "x"}}}},
    )
    def partial_job():
        use_db()
        do_something()

    with pytest.raises(RunConfigError) as caught:
        partial_job.execute_in_process()

    assert sorted(p.path for p in caught.value.problems) == [
        "resources.db.config.host",
        "resources.db.config.port",
    ]


def test_to_job_accepts_hardcoded_config() -> None:
    @graph
    def wrapped():
        do_something()

    configured = wrapped.to_job(config={"ops": {"do_something": {"config": {"config_param": "g"}}}})

    assert configured.execute_in_process().output_for_node("do_something") == "g"


def test_job_accepts_a_run_config_object_as_hardcoded_config() -> None:
    @job(config=RunConfig(ops={"do_something": {"config": {"config_param": "typed"}}}))
    def typed_job():
        do_something()

    assert typed_job.execute_in_process().output_for_node("do_something") == "typed"


def test_a_run_config_object_as_hardcoded_config_is_checked_when_the_job_is_built() -> None:
    with pytest.raises(InvalidDefinitionError, match="config_param"):

        @job(config=RunConfig(ops={"do_something": {"config": {"config_param": 3}}}))
        def typed_job():
            do_something()


def test_job_run_config_returns_the_hardcoded_config() -> None:
    assert hardcoded_job.run_config == HARDCODED


def test_job_run_config_of_a_run_config_object_is_its_dict_form() -> None:
    @job(config=RunConfig(ops={"do_something": {"config": {"config_param": "typed"}}}))
    def typed_job():
        do_something()

    assert typed_job.run_config == {"ops": {"do_something": {"config": {"config_param": "typed"}}}}


def test_job_run_config_is_none_without_hardcoded_config() -> None:
    @job
    def plain_job():
        do_something()

    assert plain_job.run_config is None


def test_validate_run_config_applies_the_hardcoded_config() -> None:
    resolved = validate_run_config(hardcoded_job)

    assert resolved["ops"]["do_something"]["config"] == {"config_param": "stuff"}
    assert resolved["ops"]["two_fields"]["config"] == {"a": 1, "b": 2}


def test_config_that_is_not_a_dict_mapping_or_partitioned_config_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="config"):

        @job(config=["ops"])
        def bad_job():
            do_something()


# --------------------------------------------------------------------------
# Job-level config mapping


@config_mapping(config_schema={"simplified_param": str})
def simplified_config(val: Any) -> dict[str, Any]:
    return {"ops": {"do_something": {"config": {"config_param": val["simplified_param"]}}}}


@job(config=simplified_config)
def do_it_all_with_simplified_config():
    do_something()


def test_spec_example_config_mapping_translates_the_outer_config() -> None:
    result = do_it_all_with_simplified_config.execute_in_process(
        run_config={"simplified_param": "stuff"}
    )

    assert result.success
    assert result.output_for_node("do_something") == "stuff"


def test_job_config_mapping_is_exposed_as_config_mapping() -> None:
    assert do_it_all_with_simplified_config.config_mapping is simplified_config
    assert do_it_all_with_simplified_config.run_config is None


def test_config_mapping_class_works_like_the_decorator() -> None:
    mapping = ConfigMapping(
        config_fn=lambda v: {"ops": {"do_something": {"config": {"config_param": str(v["n"])}}}},
        config_schema={"n": int},
    )

    @job(config=mapping)
    def mapped_job():
        do_something()

    assert mapped_job.execute_in_process(run_config={"n": 3}).output_for_node("do_something") == "3"


def test_outer_config_of_the_wrong_type_is_reported_as_the_config_mappings_config() -> None:
    with pytest.raises(RunConfigError) as caught:
        do_it_all_with_simplified_config.execute_in_process(run_config={"simplified_param": 1})

    assert [(p.path, p.reason) for p in caught.value.problems] == [
        ("simplified_param", "RUNTIME_TYPE_MISMATCH")
    ]
    assert "(the config mapping's config)" in str(caught.value)


def test_missing_outer_config_is_reported_at_the_outer_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        do_it_all_with_simplified_config.execute_in_process()

    assert [(p.path, p.reason) for p in caught.value.problems] == [
        ("simplified_param", "MISSING_REQUIRED_FIELD")
    ]
    assert "(the config mapping's config)" in str(caught.value)


def test_full_run_config_is_rejected_by_a_job_with_a_config_mapping() -> None:
    with pytest.raises(RunConfigError) as caught:
        do_it_all_with_simplified_config.execute_in_process(
            run_config={"ops": {"do_something": {"config": {"config_param": "x"}}}}
        )

    assert ("ops", "FIELD_NOT_DEFINED") in [(p.path, p.reason) for p in caught.value.problems]


def test_config_mapping_receives_resolved_values_with_defaults_and_env_vars(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_MAPPING_VAR", "from-env")
    received: list[Any] = []

    @config_mapping(config_schema={"p": str, "n": Field(int, default_value=3), "e": StringSource})
    def recording(val: Any) -> dict[str, Any]:
        received.append(val)
        return {"ops": {"do_something": {"config": {"config_param": val["p"] * val["n"]}}}}

    @job(config=recording)
    def mapped_job():
        do_something()

    result = mapped_job.execute_in_process(
        run_config={"p": "ab", "e": {"env": "DAGWRIGHT_TEST_MAPPING_VAR"}}
    )

    assert result.output_for_node("do_something") == "ababab"
    assert received[-1] == {"p": "ab", "n": 3, "e": "from-env"}


def test_receive_processed_config_values_false_gives_the_mapping_raw_env_references(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_MAPPING_VAR", "from-env")
    received: list[Any] = []

    @config_mapping(
        config_schema={"p": str, "e": StringSource}, receive_processed_config_values=False
    )
    def raw(val: Any) -> dict[str, Any]:
        received.append(val)
        return {"ops": {"do_something": {"config": {"config_param": val["p"]}}}}

    @job(config=raw)
    def mapped_job():
        do_something()

    mapped_job.execute_in_process(run_config={"p": "x", "e": {"env": "DAGWRIGHT_TEST_MAPPING_VAR"}})

    assert received[-1]["e"] == {"env": "DAGWRIGHT_TEST_MAPPING_VAR"}
    assert received[-1]["p"] == "x"


def test_invalid_config_produced_by_a_job_mapping_says_the_mapping_produced_it() -> None:
    @config_mapping(config_schema={"p": str})
    def wrong_inner(val: Any) -> dict[str, Any]:
        return {"ops": {"do_something": {"config": {"config_param": 5}}}}

    @job(config=wrong_inner)
    def mapped_job():
        do_something()

    with pytest.raises(RunConfigError) as caught:
        mapped_job.execute_in_process(run_config={"p": "x"})

    assert [p.path for p in caught.value.problems] == ["ops.do_something.config.config_param"]
    assert "(produced by the job's config mapping)" in str(caught.value)


def test_an_exception_in_a_job_config_mapping_is_a_config_mapping_error() -> None:
    @config_mapping(config_schema={"p": str})
    def exploding(val: Any) -> dict[str, Any]:
        raise ValueError("kaboom")

    @job(config=exploding)
    def mapped_job():
        do_something()

    with pytest.raises(RunConfigError) as caught:
        mapped_job.execute_in_process(run_config={"p": "x"})

    (problem,) = caught.value.problems
    assert problem.reason == "CONFIG_MAPPING_ERROR"
    assert "ValueError: kaboom" in problem.problem


def test_an_exception_in_a_job_config_mapping_is_raised_even_with_raise_on_error_false() -> None:
    @config_mapping(config_schema={"p": str})
    def exploding(val: Any) -> dict[str, Any]:
        raise ValueError("kaboom")

    @job(config=exploding)
    def mapped_job():
        do_something()

    with pytest.raises(RunConfigError):
        mapped_job.execute_in_process(run_config={"p": "x"}, raise_on_error=False)


def test_the_run_record_keeps_the_outer_config_of_a_job_mapping() -> None:
    result = do_it_all_with_simplified_config.execute_in_process(
        run_config={"simplified_param": "stuff"}
    )

    assert result.dagster_run.run_config == {"simplified_param": "stuff"}


def test_the_run_record_keeps_env_references_given_to_a_job_mapping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_MAPPING_SECRET", "s3cr3t")

    @config_mapping(config_schema={"p": StringSource})
    def from_env(val: Any) -> dict[str, Any]:
        return {"ops": {"do_something": {"config": {"config_param": val["p"]}}}}

    @job(config=from_env)
    def mapped_job():
        do_something()

    result = mapped_job.execute_in_process(
        run_config={"p": {"env": "DAGWRIGHT_TEST_MAPPING_SECRET"}}
    )

    assert result.output_for_node("do_something") == "s3cr3t"
    assert result.dagster_run.run_config == {"p": {"env": "DAGWRIGHT_TEST_MAPPING_SECRET"}}


def test_validate_run_config_of_a_mapped_job_returns_the_resolved_inner_config() -> None:
    resolved = validate_run_config(do_it_all_with_simplified_config, {"simplified_param": "v"})

    assert resolved["ops"]["do_something"]["config"] == {"config_param": "v"}


def test_validate_run_config_of_a_mapped_job_reports_outer_problems() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all_with_simplified_config, {"simplified_param": 2})

    assert [p.path for p in caught.value.problems] == ["simplified_param"]


# --------------------------------------------------------------------------
# Graph-level config mapping


@op(config_schema={"n": int})
def inner(context: Any) -> int:
    return context.op_config["n"]


@op
def plus_one(x: int) -> int:
    return x + 1


@config_mapping(config_schema={"num": Field(int, default_value=4)})
def times_ten(val: Any) -> dict[str, Any]:
    return {"inner": {"config": {"n": val["num"] * 10}}}


@graph(config=times_ten)
def sub():
    return inner()


@job
def graph_mapping_job():
    plus_one(sub())


def test_a_graph_with_a_config_mapping_takes_its_config_under_ops_graph_config() -> None:
    result = graph_mapping_job.execute_in_process(
        run_config={"ops": {"sub": {"config": {"num": 2}}}}
    )

    assert result.output_for_node("sub.inner") == 20
    assert result.output_for_node("plus_one") == 21


def test_a_graph_mapping_receives_the_defaults_of_its_schema() -> None:
    result = graph_mapping_job.execute_in_process()

    assert result.output_for_node("sub.inner") == 40


def test_the_outer_config_of_a_graph_mapping_is_validated_at_its_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        graph_mapping_job.execute_in_process(run_config={"ops": {"sub": {"config": {"num": "x"}}}})

    assert [(p.path, p.reason) for p in caught.value.problems] == [
        ("ops.sub.config.num", "RUNTIME_TYPE_MISMATCH")
    ]


def test_ops_inside_a_mapped_graph_cannot_be_configured_directly() -> None:
    with pytest.raises(RunConfigError) as caught:
        graph_mapping_job.execute_in_process(
            run_config={"ops": {"sub": {"ops": {"inner": {"config": {"n": 1}}}}}}
        )

    assert [(p.path, p.reason) for p in caught.value.problems] == [
        ("ops.sub.ops", "FIELD_NOT_DEFINED")
    ]


def test_invalid_config_produced_by_a_graph_mapping_says_the_mapping_produced_it() -> None:
    @config_mapping(config_schema={"num": int})
    def wrong(val: Any) -> dict[str, Any]:
        return {"inner": {"config": {"n": "text"}}}

    @graph(config=wrong)
    def wrong_sub():
        inner()

    @job
    def wrong_job():
        wrong_sub()

    with pytest.raises(RunConfigError) as caught:
        wrong_job.execute_in_process(run_config={"ops": {"wrong_sub": {"config": {"num": 1}}}})

    assert [p.path for p in caught.value.problems] == ["inner.config.n"]
    assert "produced by the config mapping of graph 'wrong_sub'" in str(caught.value)


def test_an_exception_in_a_graph_mapping_is_a_config_mapping_error_at_the_graph_config() -> None:
    @config_mapping(config_schema={"num": int})
    def exploding(val: Any) -> dict[str, Any]:
        raise KeyError("missing")

    @graph(config=exploding)
    def exploding_sub():
        inner()

    @job
    def exploding_job():
        exploding_sub()

    with pytest.raises(RunConfigError) as caught:
        exploding_job.execute_in_process(
            run_config={"ops": {"exploding_sub": {"config": {"num": 1}}}}
        )

    (problem,) = caught.value.problems
    assert (problem.path, problem.reason) == ("ops.exploding_sub.config", "CONFIG_MAPPING_ERROR")
    assert "KeyError" in problem.problem


def test_a_graph_mapping_inside_a_nested_graph_is_configured_at_its_nested_path() -> None:
    @graph
    def outer():
        return sub()

    @job
    def nested_job():
        plus_one(outer())

    result = nested_job.execute_in_process(
        run_config={"ops": {"outer": {"ops": {"sub": {"config": {"num": 1}}}}}}
    )

    assert result.output_for_node("outer.sub.inner") == 10
    assert result.output_for_node("plus_one") == 11


# --------------------------------------------------------------------------
# Partitioned config (details in test_partitions.py)


@op(config_schema={"region": str})
def load_region(context: Any) -> str:
    return context.op_config["region"]


@static_partitioned_config(partition_keys=["us", "eu"])
def region_config(partition_key: str) -> dict[str, Any]:
    return {"ops": {"load_region": {"config": {"region": partition_key.upper()}}}}


@job(config=region_config)
def region_job():
    load_region()


def test_partition_key_selects_the_partitioned_config() -> None:
    result = region_job.execute_in_process(partition_key="eu")

    assert result.output_for_node("load_region") == "EU"


def test_a_partitioned_config_sets_the_jobs_partitions_def() -> None:
    assert region_job.partitions_def is region_config.partitions_def
    assert region_job.partitioned_config is region_config
    assert region_job.run_config is None


def test_a_partitioned_config_and_a_different_partitions_def_are_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="partitions_def"):

        @job(config=region_config, partitions_def=StaticPartitionsDefinition(["us", "eu"]))
        def conflicting_job():
            load_region()


def test_an_unknown_partition_key_is_rejected_before_the_run() -> None:
    with pytest.raises(InvalidInvocationError, match="'fr'"):
        region_job.execute_in_process(partition_key="fr")
