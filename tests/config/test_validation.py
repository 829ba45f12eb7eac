"""Run config validation: problems (with paths), resolution (defaults, env vars, enums).

Everything goes through the public entry points, ``validate_run_config`` and
``execute_in_process``; a problem is a RunConfigError raised before the run starts.
"""

from __future__ import annotations

import enum
from typing import Any

import pytest

from dagwright import (
    BoolSource,
    Enum,
    EnumValue,
    ExecutorDefinition,
    Field,
    In,
    Instance,
    IntSource,
    Map,
    Noneable,
    Nothing,
    Permissive,
    RunConfigError,
    ScalarUnion,
    Selector,
    StringSource,
    graph,
    job,
    op,
    resource,
    validate_run_config,
)


class Color(enum.Enum):
    RED = 1
    GREEN = 2


def one_op_job(schema: Any) -> Any:
    """A job with one op ``o`` whose config schema is ``schema``; the op returns its config."""

    @op(config_schema=schema)
    def o(context):
        return context.op_config

    @job
    def config_job():
        o()

    return config_job


def op_config(schema: Any, config: Any) -> Any:
    """The resolved config of op ``o`` given ``config`` (validate_run_config's view)."""
    resolved = validate_run_config(one_op_job(schema), {"ops": {"o": {"config": config}}})
    return resolved["ops"]["o"]["config"]


def problems_for(schema: Any, config: Any) -> list[Any]:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(one_op_job(schema), {"ops": {"o": {"config": config}}})
    return list(caught.value.problems)


def paths(problems: list[Any]) -> list[str]:
    return [p.path for p in problems]


def reasons(problems: list[Any]) -> list[str]:
    return [p.reason for p in problems]


# --------------------------------------------------------------------------
# The spec's example op


@op(config_schema={"config_param": str})
def do_something(context):
    return "config_param: " + context.op_config["config_param"]


@job
def do_it_all():
    do_something()


def test_valid_run_config_runs_and_reaches_the_op() -> None:
    result = do_it_all.execute_in_process(
        run_config={"ops": {"do_something": {"config": {"config_param": "stuff"}}}}
    )
    assert result.output_for_node("do_something") == "config_param: stuff"


def test_validate_run_config_returns_the_given_values() -> None:
    resolved = validate_run_config(
        do_it_all, {"ops": {"do_something": {"config": {"config_param": "stuff"}}}}
    )
    assert resolved["ops"]["do_something"]["config"] == {"config_param": "stuff"}


# --------------------------------------------------------------------------
# Missing required fields


def test_missing_required_field_is_reported_at_its_path() -> None:
    problems = problems_for({"config_param": str}, {})
    assert paths(problems) == ["ops.o.config.config_param"]
    assert reasons(problems) == ["MISSING_REQUIRED_FIELD"]


def test_absent_ops_section_reports_the_missing_leaf() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, {})
    assert paths(list(caught.value.problems)) == ["ops.do_something.config.config_param"]


def test_no_run_config_reports_the_missing_leaf() -> None:
    with pytest.raises(RunConfigError) as caught:
        do_it_all.execute_in_process()
    assert paths(list(caught.value.problems)) == ["ops.do_something.config.config_param"]


def test_missing_fields_in_a_nested_shape_are_each_reported() -> None:
    problems = problems_for({"db": {"host": str, "port": int}}, {"db": {}})
    assert sorted(paths(problems)) == ["ops.o.config.db.host", "ops.o.config.db.port"]


def test_missing_problem_names_the_expected_type() -> None:
    (problem,) = problems_for({"count": int}, {})
    assert "int" in problem.problem


def test_explicit_is_required_true_overrides_an_implicit_default() -> None:
    # Dagster: an explicit is_required wins over the type's implicit default.
    problems = problems_for({"n": Field(Noneable(int), is_required=True)}, {})
    assert paths(problems) == ["ops.o.config.n"]
    assert reasons(problems) == ["MISSING_REQUIRED_FIELD"]


# --------------------------------------------------------------------------
# Unknown fields


def test_unknown_field_is_reported_at_its_path() -> None:
    problems = problems_for({"a": int}, {"a": 1, "zzz": 2})
    assert paths(problems) == ["ops.o.config.zzz"]
    assert reasons(problems) == ["FIELD_NOT_DEFINED"]


def test_misspelt_field_gets_a_did_you_mean() -> None:
    problems = problems_for({"config_param": str}, {"config_parm": "x"})
    unknown = [p for p in problems if p.reason == "FIELD_NOT_DEFINED"]
    assert paths(unknown) == ["ops.o.config.config_parm"]
    assert "Did you mean 'config_param'?" in unknown[0].problem


def test_misspelt_field_also_reports_the_missing_one() -> None:
    problems = problems_for({"config_param": str}, {"config_parm": "x"})
    assert sorted(paths(problems)) == ["ops.o.config.config_param", "ops.o.config.config_parm"]


def test_misspelt_op_name_gets_a_did_you_mean() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, {"ops": {"do_somthing": {"config": {"config_param": "x"}}}})
    unknown = [p for p in caught.value.problems if p.reason == "FIELD_NOT_DEFINED"]
    assert paths(unknown) == ["ops.do_somthing"]
    assert "Did you mean 'do_something'?" in unknown[0].problem


def test_unknown_top_level_key_op_suggests_ops() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, {"op": {"do_something": {"config": {"config_param": "x"}}}})
    unknown = [p for p in caught.value.problems if p.reason == "FIELD_NOT_DEFINED"]
    assert paths(unknown) == ["op"]
    assert "Did you mean 'ops'?" in unknown[0].problem


def test_unknown_top_level_key_resoures_suggests_resources() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            do_it_all,
            {"ops": {"do_something": {"config": {"config_param": "x"}}}, "resoures": {}},
        )
    (problem,) = caught.value.problems
    assert problem.path == "resoures"
    assert "Did you mean 'resources'?" in problem.problem


def test_unknown_field_without_close_match_lists_the_fields() -> None:
    (problem,) = problems_for({"alpha": int}, {"alpha": 1, "zzzzzz": 2})
    assert "Did you mean" not in problem.problem
    assert "alpha" in problem.problem


def test_outputs_section_is_not_accepted_with_the_default_io_manager() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            do_it_all,
            {"ops": {"do_something": {"config": {"config_param": "x"}, "outputs": {"result": {}}}}},
        )
    assert paths(list(caught.value.problems)) == ["ops.do_something.outputs"]


# --------------------------------------------------------------------------
# Scalars


def test_int_rejects_a_bool() -> None:
    problems = problems_for({"n": int}, {"n": True})
    assert paths(problems) == ["ops.o.config.n"]
    assert reasons(problems) == ["RUNTIME_TYPE_MISMATCH"]


def test_int_rejects_a_numeric_string() -> None:
    assert paths(problems_for({"n": int}, {"n": "1"})) == ["ops.o.config.n"]


def test_int_rejects_a_float() -> None:
    assert paths(problems_for({"n": int}, {"n": 1.5})) == ["ops.o.config.n"]


def test_bool_rejects_an_int() -> None:
    assert paths(problems_for({"flag": bool}, {"flag": 1})) == ["ops.o.config.flag"]


def test_bool_rejects_a_string() -> None:
    assert paths(problems_for({"flag": bool}, {"flag": "true"})) == ["ops.o.config.flag"]


def test_str_rejects_an_int() -> None:
    assert paths(problems_for({"s": str}, {"s": 1})) == ["ops.o.config.s"]


def test_float_accepts_an_int_and_resolves_to_a_float() -> None:
    resolved = op_config({"rate": float}, {"rate": 2})
    assert resolved == {"rate": 2.0}
    assert type(resolved["rate"]) is float


def test_float_reaches_the_op_as_a_float() -> None:
    result = one_op_job({"rate": float}).execute_in_process(
        run_config={"ops": {"o": {"config": {"rate": 3}}}}
    )
    assert type(result.output_for_node("o")["rate"]) is float


def test_float_rejects_a_bool() -> None:
    assert paths(problems_for({"rate": float}, {"rate": True})) == ["ops.o.config.rate"]


def test_float_default_given_as_int_resolves_to_a_float() -> None:
    resolved = op_config({"rate": Field(float, default_value=1)}, {})
    assert type(resolved["rate"]) is float


def test_mismatch_problem_names_expected_and_given_types() -> None:
    (problem,) = problems_for({"n": int}, {"n": "1"})
    assert "int" in problem.problem
    assert "str" in problem.problem


# --------------------------------------------------------------------------
# None


def test_none_is_rejected_for_a_scalar() -> None:
    problems = problems_for({"n": int}, {"n": None})
    assert paths(problems) == ["ops.o.config.n"]
    assert reasons(problems) == ["RUNTIME_TYPE_MISMATCH"]


def test_none_does_not_fall_back_to_the_default() -> None:
    assert paths(problems_for({"n": Field(int, default_value=3)}, {"n": None})) == [
        "ops.o.config.n"
    ]


def test_none_is_accepted_for_noneable() -> None:
    assert op_config({"n": Noneable(int)}, {"n": None}) == {"n": None}


def test_absent_noneable_resolves_to_none() -> None:
    assert op_config({"n": Noneable(int)}, {}) == {"n": None}


def test_none_is_accepted_for_any() -> None:
    assert op_config({"a": Any}, {"a": None}) == {"a": None}


def test_none_for_an_all_optional_shape_means_its_defaults() -> None:
    schema = {"opts": {"depth": Field(int, default_value=2)}}
    assert op_config(schema, {"opts": None}) == {"opts": {"depth": 2}}


def test_none_for_an_op_section_with_all_optional_config_means_defaults() -> None:
    job_def = one_op_job({"depth": Field(int, default_value=2)})
    resolved = validate_run_config(job_def, {"ops": {"o": None}})
    assert resolved["ops"]["o"]["config"] == {"depth": 2}


def test_none_for_a_shape_with_a_required_field_is_a_problem() -> None:
    problems = problems_for({"opts": {"depth": int}}, {"opts": None})
    assert problems
    assert all(p.startswith("ops.o.config.opts") for p in paths(problems))


# --------------------------------------------------------------------------
# Selectors


def test_selector_with_no_choice_is_a_selector_problem() -> None:
    problems = problems_for(Selector({"a": int, "b": int}), {})
    assert paths(problems) == ["ops.o.config"]
    assert reasons(problems) == ["SELECTOR_FIELD_ERROR"]


def test_selector_with_two_choices_is_a_selector_problem() -> None:
    problems = problems_for(Selector({"a": int, "b": int}), {"a": 1, "b": 2})
    assert paths(problems) == ["ops.o.config"]
    assert reasons(problems) == ["SELECTOR_FIELD_ERROR"]


def test_selector_problem_names_the_choices() -> None:
    (problem,) = problems_for(Selector({"fast": int, "slow": int}), {})
    assert "fast" in problem.problem
    assert "slow" in problem.problem


def test_selector_with_an_unknown_choice_is_reported_at_its_path() -> None:
    problems = problems_for(Selector({"fast": int, "slow": int}), {"medium": 1})
    assert paths(problems) == ["ops.o.config.medium"]
    assert reasons(problems) == ["FIELD_NOT_DEFINED"]


def test_selector_with_a_misspelt_choice_gets_a_did_you_mean() -> None:
    (problem,) = problems_for(Selector({"fast": int, "slow": int}), {"fsat": 1})
    assert "Did you mean 'fast'?" in problem.problem


def test_selector_given_a_string_is_a_problem() -> None:
    assert paths(problems_for(Selector({"a": int, "b": int}), "a")) == ["ops.o.config"]


def test_selector_checks_the_chosen_value() -> None:
    assert paths(problems_for(Selector({"a": int, "b": int}), {"a": "x"})) == ["ops.o.config.a"]


def test_selector_with_one_optional_field_defaults_to_it() -> None:
    assert op_config({"mode": Selector({"a": Field(int, default_value=4)})}, {}) == {
        "mode": {"a": 4}
    }


def test_selector_with_one_optional_field_accepts_an_empty_dict() -> None:
    assert op_config(Selector({"a": Field(int, default_value=4)}), {}) == {"a": 4}


def test_selector_with_one_required_field_needs_it() -> None:
    problems = problems_for(Selector({"a": int}), {})
    assert problems
    assert all(p.startswith("ops.o.config") for p in paths(problems))


def test_selector_with_two_optional_fields_is_still_required() -> None:
    schema = {
        "mode": Selector({"a": Field(int, default_value=1), "b": Field(int, default_value=2)})
    }
    assert paths(problems_for(schema, {})) == ["ops.o.config.mode"]


def test_selector_single_optional_field_without_default_resolves_to_revalidatable_config() -> None:
    job_def = one_op_job({"mode": Selector({"a": Field(int, is_required=False)})})
    resolved = validate_run_config(job_def, {"ops": {"o": {"config": {}}}})
    again = validate_run_config(job_def, {"ops": {"o": resolved["ops"]["o"]}})
    assert again["ops"]["o"] == resolved["ops"]["o"]


def test_selector_chosen_branch_none_means_its_defaults() -> None:
    schema = Selector({"a": {"x": Field(int, default_value=1)}, "b": int})
    assert op_config(schema, {"a": None}) == {"a": {"x": 1}}


def test_selector_branch_of_noneable_type_keeps_none() -> None:
    # Only a branch whose type has fields treats None as {} (Dagster); a Noneable branch is None.
    assert op_config(Selector({"limit": Noneable(int), "name": str}), {"limit": None}) == {
        "limit": None
    }


# --------------------------------------------------------------------------
# Arrays


def test_array_item_problem_has_the_item_index_in_its_path() -> None:
    problems = problems_for({"x": [int]}, {"x": [1, "two", 3]})
    assert paths(problems) == ["ops.o.config.x[1]"]


def test_array_reports_every_bad_item() -> None:
    assert paths(problems_for({"x": [int]}, {"x": ["a", 1, "b"]})) == [
        "ops.o.config.x[0]",
        "ops.o.config.x[2]",
    ]


def test_array_of_shapes_item_field_path() -> None:
    assert paths(problems_for({"xs": [{"b": int}]}, {"xs": [{"b": 1}, {"b": "2"}]})) == [
        "ops.o.config.xs[1].b"
    ]


def test_array_given_a_scalar_is_a_problem() -> None:
    problems = problems_for({"x": [int]}, {"x": 5})
    assert paths(problems) == ["ops.o.config.x"]
    assert reasons(problems) == ["RUNTIME_TYPE_MISMATCH"]


def test_empty_array_is_valid() -> None:
    assert op_config({"x": [int]}, {"x": []}) == {"x": []}


# --------------------------------------------------------------------------
# Maps


def test_map_value_problem_is_reported_at_its_key() -> None:
    assert paths(problems_for({str: int}, {"a": 1, "b": "x"})) == ["ops.o.config.b"]


def test_map_with_int_keys_rejects_a_str_key() -> None:
    problems = problems_for(Map(int, int), {"1": 1})
    assert len(problems) == 1
    assert problems[0].reason == "RUNTIME_TYPE_MISMATCH"


def test_map_given_a_list_is_a_problem() -> None:
    assert paths(problems_for({"m": {str: int}}, {"m": [1]})) == ["ops.o.config.m"]


def test_empty_map_is_valid() -> None:
    assert op_config({"m": {str: int}}, {"m": {}}) == {"m": {}}


# --------------------------------------------------------------------------
# Enums


def test_enum_resolves_to_its_python_value_in_validate_run_config() -> None:
    assert op_config({"c": Color}, {"c": "GREEN"}) == {"c": Color.GREEN}


def test_enum_value_python_value_is_what_validation_returns() -> None:
    schema = Enum("Size", [EnumValue("small", python_value=1), EnumValue("large", 100)])
    assert op_config({"s": schema}, {"s": "large"}) == {"s": 100}


def test_enum_unknown_name_is_a_problem_at_its_path() -> None:
    problems = problems_for({"c": Color}, {"c": "BLUE"})
    assert paths(problems) == ["ops.o.config.c"]
    assert "RED" in problems[0].problem


def test_enum_misspelt_name_gets_a_did_you_mean() -> None:
    (problem,) = problems_for({"c": Color}, {"c": "REDD"})
    assert "Did you mean 'RED'?" in problem.problem


def test_enum_rejects_a_non_string() -> None:
    assert paths(problems_for({"c": Color}, {"c": 1})) == ["ops.o.config.c"]


# --------------------------------------------------------------------------
# ScalarUnion


def test_scalar_union_scalar_form_is_checked_against_the_scalar() -> None:
    assert op_config(ScalarUnion(int, {"n": int}), 3) == 3


def test_scalar_union_dict_form_is_checked_against_the_non_scalar_schema() -> None:
    assert paths(problems_for(ScalarUnion(str, {"path": str}), {"path": 3})) == [
        "ops.o.config.path"
    ]


def test_scalar_union_rejects_a_wrong_scalar() -> None:
    assert paths(problems_for({"u": ScalarUnion(str, {"path": str})}, {"u": 3})) == [
        "ops.o.config.u"
    ]


def test_scalar_union_dict_form_fills_defaults() -> None:
    schema = ScalarUnion(str, {"path": str, "mode": Field(str, default_value="r")})
    assert op_config(schema, {"path": "p"}) == {"path": "p", "mode": "r"}


# --------------------------------------------------------------------------
# Environment variable sources


def test_string_source_reads_a_set_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DW_TEST_NAME", "alice")
    assert op_config({"name": StringSource}, {"name": {"env": "DW_TEST_NAME"}}) == {"name": "alice"}


def test_source_with_unset_variable_is_a_problem_at_its_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DW_TEST_UNSET", raising=False)
    problems = problems_for({"name": StringSource}, {"name": {"env": "DW_TEST_UNSET"}})
    assert paths(problems) == ["ops.o.config.name"]
    assert reasons(problems) == ["FAILED_POST_PROCESSING"]
    assert "DW_TEST_UNSET" in problems[0].problem


def test_every_unset_variable_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DW_TEST_UNSET_A", raising=False)
    monkeypatch.delenv("DW_TEST_UNSET_B", raising=False)
    problems = problems_for(
        {"a": StringSource, "b": IntSource},
        {"a": {"env": "DW_TEST_UNSET_A"}, "b": {"env": "DW_TEST_UNSET_B"}},
    )
    assert sorted(paths(problems)) == ["ops.o.config.a", "ops.o.config.b"]


def test_int_source_parses_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DW_TEST_PORT", "5432")
    assert op_config({"port": IntSource}, {"port": {"env": "DW_TEST_PORT"}}) == {"port": 5432}


def test_int_source_with_a_non_int_variable_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DW_TEST_PORT", "fifty")
    problems = problems_for({"port": IntSource}, {"port": {"env": "DW_TEST_PORT"}})
    assert paths(problems) == ["ops.o.config.port"]
    assert "DW_TEST_PORT" in problems[0].problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("True", True),
        ("1", True),
        ("yes", True),
        ("on", True),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_bool_source_parses_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("DW_TEST_FLAG", raw)
    assert op_config({"flag": BoolSource}, {"flag": {"env": "DW_TEST_FLAG"}}) == {"flag": expected}


def test_bool_source_with_an_unrecognised_word_is_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DW_TEST_FLAG", "maybe")
    assert paths(problems_for({"flag": BoolSource}, {"flag": {"env": "DW_TEST_FLAG"}})) == [
        "ops.o.config.flag"
    ]


def test_int_source_still_rejects_a_bool_value() -> None:
    assert paths(problems_for({"n": IntSource}, {"n": True})) == ["ops.o.config.n"]


def test_string_source_rejects_an_int_value() -> None:
    assert paths(problems_for({"s": StringSource}, {"s": 3})) == ["ops.o.config.s"]


def test_source_env_dict_with_an_extra_key_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DW_TEST_NAME", "alice")
    problems = problems_for({"s": StringSource}, {"s": {"env": "DW_TEST_NAME", "x": 1}})
    assert problems
    assert all(p.startswith("ops.o.config.s") for p in paths(problems))


def test_env_variable_reaches_the_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DW_TEST_TOKEN", "s3cret")
    result = one_op_job({"token": StringSource}).execute_in_process(
        run_config={"ops": {"o": {"config": {"token": {"env": "DW_TEST_TOKEN"}}}}}
    )
    assert result.output_for_node("o") == {"token": "s3cret"}


def test_run_record_keeps_the_env_reference_not_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DW_TEST_TOKEN", "s3cret")
    result = one_op_job({"token": StringSource}).execute_in_process(
        run_config={"ops": {"o": {"config": {"token": {"env": "DW_TEST_TOKEN"}}}}}
    )
    assert result.dagster_run.run_config == {
        "ops": {"o": {"config": {"token": {"env": "DW_TEST_TOKEN"}}}}
    }


def test_env_variable_is_read_at_launch_not_at_definition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DW_TEST_LATE", raising=False)
    job_def = one_op_job({"v": Field(StringSource, default_value={"env": "DW_TEST_LATE"})})
    monkeypatch.setenv("DW_TEST_LATE", "now")
    assert job_def.execute_in_process().output_for_node("o") == {"v": "now"}


# --------------------------------------------------------------------------
# Defaults, filled recursively


def test_defaults_fill_nested_shapes() -> None:
    schema = {"outer": {"inner": {"x": Field(int, default_value=1)}, "y": Field(str, "s")}}
    assert op_config(schema, {}) == {"outer": {"inner": {"x": 1}, "y": "s"}}


def test_op_with_all_optional_config_needs_no_run_config() -> None:
    job_def = one_op_job({"outer": {"x": Field(int, default_value=1)}})
    assert job_def.execute_in_process().output_for_node("o") == {"outer": {"x": 1}}


def test_defaults_fill_each_item_of_an_array_of_shapes() -> None:
    schema = {"xs": [{"a": int, "b": Field(int, default_value=2)}]}
    assert op_config(schema, {"xs": [{"a": 1}, {"a": 3, "b": 4}]}) == {
        "xs": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    }


def test_defaults_fill_each_value_of_a_map_of_shapes() -> None:
    schema = {"m": {str: {"size": Field(int, default_value=1)}}}
    assert op_config(schema, {"m": {"k": {}}}) == {"m": {"k": {"size": 1}}}


def test_defaults_fill_the_chosen_selector_branch() -> None:
    schema = Selector({"fast": {"level": Field(int, default_value=1)}, "slow": int})
    assert op_config(schema, {"fast": {}}) == {"fast": {"level": 1}}


def test_defaults_fill_permissive_declared_fields_and_keep_extra_keys() -> None:
    schema = Permissive({"a": Field(int, default_value=1)})
    assert op_config(schema, {"zz": [1]}) == {"a": 1, "zz": [1]}


def test_field_default_is_used_when_the_field_is_absent() -> None:
    schema = {
        "b": Field(
            {"c": Field(str, default_value="x"), "e": Field(int, default_value=5)},
            default_value={"c": "y"},
        )
    }
    assert op_config(schema, {}) == {"b": {"c": "y", "e": 5}}


def test_given_value_replaces_the_field_default_rather_than_merging() -> None:
    schema = {
        "b": Field(
            {"c": Field(str, default_value="x"), "e": Field(int, default_value=5)},
            default_value={"c": "y"},
        )
    }
    assert op_config(schema, {"b": {}}) == {"b": {"c": "x", "e": 5}}


def test_default_values_are_not_shared_between_runs() -> None:
    job_def = one_op_job({"xs": Field([int], default_value=[1])})
    first = validate_run_config(job_def, {})
    first["ops"]["o"]["config"]["xs"].append(2)
    second = validate_run_config(job_def, {})
    assert second["ops"]["o"]["config"]["xs"] == [1]


# --------------------------------------------------------------------------
# Several problems at once


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_for({"a": int, "b": str, "c": {"d": bool}}, {"a": "x", "zz": 1, "c": {}})
    assert len(problems) == 4
    assert sorted(paths(problems)) == [
        "ops.o.config.a",
        "ops.o.config.b",
        "ops.o.config.c.d",
        "ops.o.config.zz",
    ]


def test_problems_in_different_sections_are_reported_together() -> None:
    @resource(config_schema={"url": str})
    def db(init_context):
        return init_context.resource_config["url"]

    @op(config_schema={"n": int}, required_resource_keys={"db"})
    def uses(context):
        return context.op_config["n"]

    @job(resource_defs={"db": db})
    def both():
        uses()

    with pytest.raises(RunConfigError) as caught:
        validate_run_config(both, {"ops": {"uses": {"config": {"n": "1"}}}})
    assert sorted(paths(list(caught.value.problems))) == [
        "ops.uses.config.n",
        "resources.db.config.url",
    ]


def test_problems_across_several_ops_are_all_reported() -> None:
    @op(config_schema={"a": int})
    def first(context):
        pass

    @op(config_schema={"b": int})
    def second(context):
        pass

    @job
    def two_ops():
        first()
        second()

    with pytest.raises(RunConfigError) as caught:
        validate_run_config(two_ops, {})
    assert sorted(paths(list(caught.value.problems))) == [
        "ops.first.config.a",
        "ops.second.config.b",
    ]


# --------------------------------------------------------------------------
# RunConfigError


def test_run_config_error_problems_have_path_reason_and_problem() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, {"ops": {"do_something": {"config": {"config_param": 1}}}})
    (problem,) = caught.value.problems
    assert problem.path == "ops.do_something.config.config_param"
    assert problem.reason == "RUNTIME_TYPE_MISMATCH"
    assert isinstance(problem.problem, str)
    assert problem.problem


def test_run_config_error_errors_is_the_problem_list() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, {})
    assert list(caught.value.errors) == list(caught.value.problems)


def test_run_config_error_str_counts_the_problems_and_lists_each() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(one_op_job({"a": int, "b": int}), {"ops": {"o": {"config": {}}}})
    text = str(caught.value)
    lines = text.splitlines()
    assert lines[0].startswith("Run config for job 'config_job' has 2 problems")
    assert lines[1].startswith("  - ops.o.config.a")
    assert lines[2].startswith("  - ops.o.config.b")


def test_run_config_error_str_uses_singular_for_one_problem() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, {})
    assert (
        str(caught.value)
        .splitlines()[0]
        .startswith("Run config for job 'do_it_all' has 1 problem:")
    )


def test_run_config_error_is_raised_by_execute_in_process() -> None:
    with pytest.raises(RunConfigError):
        do_it_all.execute_in_process(
            run_config={"ops": {"do_something": {"config": {"config_param": 1}}}}
        )


def test_run_config_error_records_no_run() -> None:
    instance = Instance.ephemeral()
    with pytest.raises(RunConfigError):
        do_it_all.execute_in_process(run_config={}, instance=instance)
    assert instance.get_runs() == []


def test_run_config_error_is_raised_even_with_raise_on_error_false() -> None:
    instance = Instance.ephemeral()
    with pytest.raises(RunConfigError):
        do_it_all.execute_in_process(run_config={}, instance=instance, raise_on_error=False)
    assert instance.get_runs() == []


def test_op_does_not_run_when_config_is_invalid() -> None:
    calls = []

    @op
    def side_effect():
        calls.append(1)

    @op(config_schema={"n": int})
    def needs_config(context):
        pass

    @job
    def mixed():
        side_effect()
        needs_config()

    with pytest.raises(RunConfigError):
        mixed.execute_in_process(raise_on_error=False)
    assert calls == []


# --------------------------------------------------------------------------
# Run config that is not a dict


@pytest.mark.parametrize("bad", [["ops"], "ops: {}", 5], ids=["list", "str", "int"])
def test_non_dict_run_config_is_a_run_config_error(bad: Any) -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, bad)
    assert "dict" in str(caught.value)


def test_non_dict_run_config_is_a_run_config_error_in_execute_in_process() -> None:
    with pytest.raises(RunConfigError):
        do_it_all.execute_in_process(run_config=["ops"])


def test_non_dict_run_config_error_names_the_given_type() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, ["ops"])
    assert "list" in str(caught.value)


def test_ops_given_as_a_list_is_a_problem_at_ops() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(do_it_all, {"ops": ["do_something"]})
    assert paths(list(caught.value.problems)) == ["ops"]


# --------------------------------------------------------------------------
# Nested graphs


@op(config_schema={"n": int})
def inner(context):
    return context.op_config["n"]


@graph
def middle():
    inner()


@graph
def outer():
    middle()


@job
def nested_job():
    middle()


@job
def deeply_nested_job():
    outer()


def test_nested_graph_op_config_is_under_ops_of_the_graph() -> None:
    result = nested_job.execute_in_process(
        run_config={"ops": {"middle": {"ops": {"inner": {"config": {"n": 3}}}}}}
    )
    assert result.output_for_node("middle.inner") == 3


def test_nested_graph_missing_op_config_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(nested_job, {})
    assert paths(list(caught.value.problems)) == ["ops.middle.ops.inner.config.n"]


def test_nested_graph_wrong_type_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            nested_job, {"ops": {"middle": {"ops": {"inner": {"config": {"n": "x"}}}}}}
        )
    assert paths(list(caught.value.problems)) == ["ops.middle.ops.inner.config.n"]


def test_two_levels_of_nested_graphs_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(deeply_nested_job, {})
    assert paths(list(caught.value.problems)) == ["ops.outer.ops.middle.ops.inner.config.n"]


def test_nested_graph_op_config_given_flat_is_an_unknown_field() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(nested_job, {"ops": {"inner": {"config": {"n": 3}}}})
    assert "ops.inner" in paths(list(caught.value.problems))


def test_nested_graph_misspelt_op_gets_a_did_you_mean() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(nested_job, {"ops": {"middle": {"ops": {"iner": {"config": {}}}}}})
    unknown = [p for p in caught.value.problems if p.reason == "FIELD_NOT_DEFINED"]
    assert paths(unknown) == ["ops.middle.ops.iner"]
    assert "Did you mean 'inner'?" in unknown[0].problem


# --------------------------------------------------------------------------
# Inputs


@op
def add_one(x: int) -> int:
    return x + 1


@op
def return_five() -> int:
    return 5


@job
def unconnected_input_job():
    add_one()


@job
def connected_input_job():
    add_one(return_five())


def test_missing_unconnected_input_is_reported_at_its_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(unconnected_input_job, {})
    problems = list(caught.value.problems)
    assert paths(problems) == ["ops.add_one.inputs.x"]
    assert reasons(problems) == ["MISSING_REQUIRED_FIELD"]


def test_input_given_bare_reaches_the_op() -> None:
    result = unconnected_input_job.execute_in_process(
        run_config={"ops": {"add_one": {"inputs": {"x": 5}}}}
    )
    assert result.output_for_node("add_one") == 6


def test_input_given_as_value_dict_reaches_the_op() -> None:
    result = unconnected_input_job.execute_in_process(
        run_config={"ops": {"add_one": {"inputs": {"x": {"value": 5}}}}}
    )
    assert result.output_for_node("add_one") == 6


def test_input_of_wrong_type_is_reported_at_its_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(unconnected_input_job, {"ops": {"add_one": {"inputs": {"x": "5"}}}})
    assert paths(list(caught.value.problems)) == ["ops.add_one.inputs.x"]


def test_input_of_wrong_type_in_value_dict_is_reported_at_its_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            unconnected_input_job, {"ops": {"add_one": {"inputs": {"x": {"value": "5"}}}}}
        )
    assert paths(list(caught.value.problems)) == ["ops.add_one.inputs.x"]


def test_input_fed_by_an_upstream_op_cannot_be_configured() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(connected_input_job, {"ops": {"add_one": {"inputs": {"x": 5}}}})
    assert caught.value.problems
    assert all(p.reason == "FIELD_NOT_DEFINED" for p in caught.value.problems)


def test_misspelt_input_name_gets_a_did_you_mean() -> None:
    @op
    def takes_count(count: int) -> int:
        return count

    @job
    def count_job():
        takes_count()

    with pytest.raises(RunConfigError) as caught:
        validate_run_config(count_job, {"ops": {"takes_count": {"inputs": {"cont": 1}}}})
    unknown = [p for p in caught.value.problems if p.reason == "FIELD_NOT_DEFINED"]
    assert paths(unknown) == ["ops.takes_count.inputs.cont"]
    assert "Did you mean 'count'?" in unknown[0].problem


def test_input_with_a_default_is_optional() -> None:
    @op
    def with_default(x: int = 2) -> int:
        return x

    @job
    def default_input_job():
        with_default()

    assert default_input_job.execute_in_process().output_for_node("with_default") == 2


def test_nothing_input_has_no_config_entry() -> None:
    @op(ins={"after": In(Nothing)})
    def waits() -> int:
        return 1

    @job
    def nothing_job():
        waits()

    with pytest.raises(RunConfigError) as caught:
        validate_run_config(nothing_job, {"ops": {"waits": {"inputs": {"after": None}}}})
    assert all(p.reason == "FIELD_NOT_DEFINED" for p in caught.value.problems)


def test_nothing_input_needs_no_config() -> None:
    @op(ins={"after": In(Nothing)})
    def waits() -> int:
        return 1

    @job
    def nothing_job():
        waits()

    assert nothing_job.execute_in_process().output_for_node("waits") == 1


def test_nested_graph_input_path() -> None:
    @graph
    def wraps():
        add_one()

    @job
    def wrapped_input_job():
        wraps()

    with pytest.raises(RunConfigError) as caught:
        validate_run_config(wrapped_input_job, {})
    assert paths(list(caught.value.problems)) == ["ops.wraps.ops.add_one.inputs.x"]


def test_nested_graph_input_given_in_config_reaches_the_op() -> None:
    @graph
    def wraps():
        add_one()

    @job
    def wrapped_input_job():
        wraps()

    result = wrapped_input_job.execute_in_process(
        run_config={"ops": {"wraps": {"ops": {"add_one": {"inputs": {"x": {"value": 1}}}}}}}
    )
    assert result.output_for_node("wraps.add_one") == 2


def test_op_config_and_inputs_in_the_same_section() -> None:
    @op(config_schema={"step": int})
    def add_step(context, x: int) -> int:
        return x + context.op_config["step"]

    @job
    def both_job():
        add_step()

    result = both_job.execute_in_process(
        run_config={"ops": {"add_step": {"config": {"step": 10}, "inputs": {"x": 1}}}}
    )
    assert result.output_for_node("add_step") == 11


# --------------------------------------------------------------------------
# Resources


@resource(config_schema={"url": str, "pool": Field(int, default_value=4)})
def database(init_context):
    return dict(init_context.resource_config)


@op(required_resource_keys={"database"})
def uses_database(context):
    return context.resources.database


@op
def plain() -> int:
    return 1


@job(resource_defs={"database": database})
def needs_resource_job():
    uses_database()


@job(resource_defs={"database": database})
def unused_resource_job():
    plain()


@job(resource_defs={"database": database})
def partly_needs_resource_job():
    uses_database()
    plain()


def test_needed_resource_config_is_required() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(needs_resource_job, {})
    assert paths(list(caught.value.problems)) == ["resources.database.config.url"]


def test_needed_resource_config_reaches_the_resource_with_defaults() -> None:
    result = needs_resource_job.execute_in_process(
        run_config={"resources": {"database": {"config": {"url": "db://"}}}}
    )
    assert result.output_for_node("uses_database") == {"url": "db://", "pool": 4}


def test_unneeded_resource_config_is_not_required() -> None:
    assert unused_resource_job.execute_in_process().success


def test_unneeded_resource_config_is_still_checked_when_given() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            unused_resource_job, {"resources": {"database": {"config": {"url": 5}}}}
        )
    assert paths(list(caught.value.problems)) == ["resources.database.config.url"]


def test_resource_config_not_required_when_op_needing_it_is_not_selected() -> None:
    result = partly_needs_resource_job.execute_in_process(op_selection=["plain"])
    assert result.success


def test_unknown_resource_key_gets_a_did_you_mean() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            needs_resource_job,
            {
                "resources": {
                    "database": {"config": {"url": "u"}},
                    "databse": {"config": {"url": "u"}},
                }
            },
        )
    (problem,) = caught.value.problems
    assert problem.path == "resources.databse"
    assert "Did you mean 'database'?" in problem.problem


# --------------------------------------------------------------------------
# Loggers and execution


def test_console_log_level_accepts_a_level_name() -> None:
    resolved = validate_run_config(
        unused_resource_job, {"loggers": {"console": {"config": {"log_level": "DEBUG"}}}}
    )
    assert resolved["loggers"]["console"]["config"]["log_level"] == "DEBUG"


def test_console_log_level_rejects_an_unknown_level() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            unused_resource_job, {"loggers": {"console": {"config": {"log_level": "LOUD"}}}}
        )
    (problem,) = caught.value.problems
    assert problem.path == "loggers.console.config.log_level"
    assert "DEBUG" in problem.problem


def test_console_log_level_in_lower_case_suggests_the_level_name() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(
            unused_resource_job, {"loggers": {"console": {"config": {"log_level": "debug"}}}}
        )
    (problem,) = caught.value.problems
    assert "Did you mean 'DEBUG'?" in problem.problem


def test_unknown_logger_is_a_problem() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(unused_resource_job, {"loggers": {"consle": {"config": {}}}})
    (problem,) = caught.value.problems
    assert problem.path == "loggers.consle"
    assert "Did you mean 'console'?" in problem.problem


_counting_executor = ExecutorDefinition(
    "counting", config_schema={"workers": int, "mode": Field(str, default_value="fifo")}
)


@job(executor_def=_counting_executor)
def executor_config_job():
    plain()


def test_executor_config_is_required_when_its_schema_requires_it() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(executor_config_job, {})
    assert paths(list(caught.value.problems)) == ["execution.config.workers"]


def test_executor_config_is_resolved_with_defaults() -> None:
    resolved = validate_run_config(executor_config_job, {"execution": {"config": {"workers": 2}}})
    assert resolved["execution"]["config"] == {"workers": 2, "mode": "fifo"}


def test_executor_config_wrong_type_path() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(executor_config_job, {"execution": {"config": {"workers": "2"}}})
    assert paths(list(caught.value.problems)) == ["execution.config.workers"]


def test_execution_selector_form_is_not_accepted() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(unused_resource_job, {"execution": {"in_process": {}}})
    assert paths(list(caught.value.problems)) == ["execution.in_process"]
