"""Config schema forms: every way to write a schema, used through ``@op(config_schema=...)``.

Each accepted form is exercised in a real job run: the run config is validated against
the schema and ``context.op_config`` holds the resolved value. Each malformed schema
raises InvalidDefinitionError when it is written (at ``Field(...)``/``@op``), not when a
job runs.
"""

from __future__ import annotations

import enum
from typing import Any, Optional

import pytest

from dagwright import (
    Array,
    BoolSource,
    Enum,
    EnumValue,
    Field,
    IntSource,
    InvalidDefinitionError,
    Map,
    Noneable,
    Permissive,
    RunConfigError,
    ScalarUnion,
    Selector,
    Shape,
    StringSource,
    job,
    op,
)

_ABSENT = object()


class Color(enum.Enum):
    RED = 1
    GREEN = 2


def op_config_seen(schema: Any, config: Any = _ABSENT) -> Any:
    """Run a one-op job whose op has ``schema``; return its ``context.op_config``."""

    @op(config_schema=schema)
    def configured(context):
        return context.op_config

    @job
    def config_job():
        configured()

    run_config = None if config is _ABSENT else {"ops": {"configured": {"config": config}}}
    result = config_job.execute_in_process(run_config=run_config)
    return result.output_for_node("configured")


def define_op(schema: Any) -> Any:
    @op(config_schema=schema)
    def configured(context):
        return context.op_config

    return configured


# --------------------------------------------------------------------------
# Python types


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        (int, 7),
        (str, "text"),
        (bool, False),
        (float, 2.5),
    ],
    ids=["int", "str", "bool", "float"],
)
def test_python_scalar_type_schema_passes_the_value_through(schema: Any, value: Any) -> None:
    assert op_config_seen(schema, value) == value


def test_float_schema_turns_an_int_value_into_a_float() -> None:
    seen = op_config_seen(float, 2)
    assert seen == 2.0
    assert type(seen) is float


def test_any_schema_takes_any_value_verbatim() -> None:
    assert op_config_seen(Any, {"x": [1, "two", None]}) == {"x": [1, "two", None]}


def test_list_schema_takes_a_list_of_anything() -> None:
    assert op_config_seen(list, [1, "a", None]) == [1, "a", None]


def test_dict_schema_takes_any_str_keyed_dict() -> None:
    assert op_config_seen(dict, {"anything": 1, "else": [2]}) == {"anything": 1, "else": [2]}


def test_typing_list_of_int_is_an_array_of_int() -> None:
    assert op_config_seen(list[int], [1, 2]) == [1, 2]


def test_typing_list_of_int_rejects_a_str_item() -> None:
    with pytest.raises(RunConfigError) as caught:
        op_config_seen(list[int], [1, "2"])
    assert [p.path for p in caught.value.problems] == ["ops.configured.config[1]"]


def test_typing_dict_of_str_to_int_is_a_map() -> None:
    assert op_config_seen(dict[str, int], {"a": 1, "b": 2}) == {"a": 1, "b": 2}


def test_typing_dict_of_str_to_int_checks_its_values() -> None:
    with pytest.raises(RunConfigError) as caught:
        op_config_seen(dict[str, int], {"a": "one"})
    assert [p.path for p in caught.value.problems] == ["ops.configured.config.a"]


def test_no_schema_takes_any_config() -> None:
    assert op_config_seen(None, {"free": "form"}) == {"free": "form"}


def test_no_schema_means_config_is_optional_and_none() -> None:
    assert op_config_seen(None) is None


# --------------------------------------------------------------------------
# Dicts, lists and one-key type dicts


def test_dict_of_types_is_a_shape() -> None:
    assert op_config_seen({"path": str, "count": int}, {"path": "/tmp", "count": 2}) == {
        "path": "/tmp",
        "count": 2,
    }


def test_dict_of_types_rejects_an_unknown_key() -> None:
    with pytest.raises(RunConfigError) as caught:
        op_config_seen({"path": str}, {"path": "/tmp", "other": 1})
    assert [p.path for p in caught.value.problems] == ["ops.configured.config.other"]


def test_empty_dict_schema_takes_an_empty_dict() -> None:
    assert op_config_seen({}, {}) == {}


def test_nested_dicts_are_nested_shapes() -> None:
    assert op_config_seen({"db": {"host": str, "port": int}}, {"db": {"host": "h", "port": 1}}) == {
        "db": {"host": "h", "port": 1}
    }


def test_one_key_dict_with_str_type_key_is_a_map() -> None:
    assert op_config_seen({str: int}, {"x": 1, "y": 2}) == {"x": 1, "y": 2}


def test_one_key_dict_with_int_type_key_is_a_map_with_int_keys() -> None:
    assert op_config_seen({int: str}, {1: "one", 2: "two"}) == {1: "one", 2: "two"}


def test_one_key_type_dict_map_checks_its_values() -> None:
    with pytest.raises(RunConfigError) as caught:
        op_config_seen({str: int}, {"x": "not an int"})
    assert [p.path for p in caught.value.problems] == ["ops.configured.config.x"]


def test_one_item_list_is_an_array_of_that_type() -> None:
    assert op_config_seen([int], [1, 2, 3]) == [1, 2, 3]


def test_one_item_list_of_dict_is_an_array_of_shapes() -> None:
    assert op_config_seen([{"name": str}], [{"name": "a"}, {"name": "b"}]) == [
        {"name": "a"},
        {"name": "b"},
    ]


# --------------------------------------------------------------------------
# Field


def test_field_as_whole_schema_uses_its_default_when_no_config_given() -> None:
    assert op_config_seen(Field(int, default_value=4)) == 4


def test_field_as_whole_schema_takes_a_given_value_over_its_default() -> None:
    assert op_config_seen(Field(int, default_value=4), 9) == 9


def test_field_with_default_inside_dict_fills_in_when_absent() -> None:
    assert op_config_seen({"retries": Field(int, default_value=3)}, {}) == {"retries": 3}


def test_field_not_required_without_default_is_left_out_when_absent() -> None:
    assert op_config_seen({"limit": Field(int, is_required=False)}, {}) == {}


def test_field_not_required_without_default_is_kept_when_given() -> None:
    assert op_config_seen({"limit": Field(int, is_required=False)}, {"limit": 5}) == {"limit": 5}


def test_field_records_its_description() -> None:
    field = Field(str, description="where to write")
    assert field.description == "where to write"


def test_field_with_default_is_not_required() -> None:
    assert Field(int, default_value=1).is_required is False


def test_field_without_default_is_required() -> None:
    assert Field(int).is_required is True


def test_field_with_partial_shape_default_is_accepted_and_filled_when_resolved() -> None:
    schema = {"opts": Field({"a": int, "b": Field(int, default_value=2)}, default_value={"a": 1})}
    assert op_config_seen(schema, {}) == {"opts": {"a": 1, "b": 2}}


def test_field_default_of_env_source_may_name_an_unset_variable() -> None:
    field = Field(StringSource, default_value={"env": "DAGWRIGHT_TEST_SURELY_UNSET_VAR"})
    assert field.default_value == {"env": "DAGWRIGHT_TEST_SURELY_UNSET_VAR"}


# --------------------------------------------------------------------------
# Config type classes


def test_shape_class_is_a_strict_dict() -> None:
    assert op_config_seen(Shape({"a": int}), {"a": 1}) == {"a": 1}


def test_shape_class_rejects_an_unknown_key() -> None:
    with pytest.raises(RunConfigError):
        op_config_seen(Shape({"a": int}), {"a": 1, "b": 2})


def test_permissive_keeps_undeclared_keys_verbatim() -> None:
    assert op_config_seen(Permissive({"a": int}), {"a": 1, "extra": [1, {"x": None}]}) == {
        "a": 1,
        "extra": [1, {"x": None}],
    }


def test_permissive_still_checks_its_declared_keys() -> None:
    with pytest.raises(RunConfigError) as caught:
        op_config_seen(Permissive({"a": int}), {"a": "one", "extra": 1})
    assert [p.path for p in caught.value.problems] == ["ops.configured.config.a"]


def test_permissive_without_fields_takes_any_dict() -> None:
    assert op_config_seen(Permissive(), {"k": "v"}) == {"k": "v"}


def test_selector_resolves_to_the_chosen_branch() -> None:
    assert op_config_seen(Selector({"fast": int, "slow": str}), {"slow": "s"}) == {"slow": "s"}


def test_array_class_holds_items_of_its_type() -> None:
    assert op_config_seen(Array(str), ["a", "b"]) == ["a", "b"]


def test_map_class_with_key_label_takes_a_dict() -> None:
    assert op_config_seen(Map(str, int, key_label_name="name"), {"a": 1}) == {"a": 1}


def test_map_class_with_shape_values_resolves_each_value() -> None:
    schema = Map(str, {"size": Field(int, default_value=1)})
    assert op_config_seen(schema, {"x": {}, "y": {"size": 3}}) == {
        "x": {"size": 1},
        "y": {"size": 3},
    }


def test_noneable_takes_none() -> None:
    assert op_config_seen({"n": Noneable(int)}, {"n": None}) == {"n": None}


def test_noneable_takes_a_value_of_its_type() -> None:
    assert op_config_seen({"n": Noneable(int)}, {"n": 3}) == {"n": 3}


def test_noneable_defaults_to_none_when_absent() -> None:
    assert op_config_seen({"n": Noneable(int)}, {}) == {"n": None}


def test_noneable_of_noneable_is_allowed() -> None:
    assert op_config_seen(Noneable(Noneable(int)), None) is None


def test_noneable_of_shape_takes_a_shape_value() -> None:
    assert op_config_seen(Noneable({"a": int}), {"a": 1}) == {"a": 1}


def test_enum_resolves_to_the_python_value() -> None:
    schema = Enum("Level", [EnumValue("low", python_value=1), EnumValue("high", python_value=9)])
    assert op_config_seen(schema, "high") == 9


def test_enum_value_without_python_value_resolves_to_its_name() -> None:
    schema = Enum("Level", [EnumValue("low"), EnumValue("high")])
    assert op_config_seen(schema, "low") == "low"


def test_enum_from_python_enum_is_written_by_member_name() -> None:
    assert op_config_seen(Enum.from_python_enum(Color), "GREEN") is Color.GREEN


def test_enum_from_python_enum_rejects_the_member_value() -> None:
    with pytest.raises(RunConfigError):
        op_config_seen(Enum.from_python_enum(Color), 2)


def test_python_enum_class_is_accepted_as_a_schema() -> None:
    assert op_config_seen(Color, "RED") is Color.RED


def test_python_enum_class_inside_a_dict_is_accepted() -> None:
    assert op_config_seen({"color": Color}, {"color": "GREEN"}) == {"color": Color.GREEN}


def test_enum_default_is_written_as_the_name() -> None:
    assert op_config_seen({"c": Field(Color, default_value="GREEN")}, {}) == {"c": Color.GREEN}


def test_scalar_union_takes_the_scalar_form() -> None:
    assert op_config_seen(ScalarUnion(str, {"path": str}), "here") == "here"


def test_scalar_union_takes_the_non_scalar_form() -> None:
    assert op_config_seen(ScalarUnion(str, {"path": str}), {"path": "p"}) == {"path": "p"}


def test_scalar_union_with_array_non_scalar_form_takes_a_list() -> None:
    assert op_config_seen(ScalarUnion(int, [int]), [1, 2]) == [1, 2]


@pytest.mark.parametrize(
    ("source", "value"),
    [(StringSource, "plain"), (IntSource, 5), (BoolSource, True)],
    ids=["StringSource", "IntSource", "BoolSource"],
)
def test_source_type_takes_a_direct_value(source: Any, value: Any) -> None:
    assert op_config_seen({"v": source}, {"v": value}) == {"v": value}


def test_string_source_reads_an_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_TOKEN", "s3cret")
    assert op_config_seen({"token": StringSource}, {"token": {"env": "DAGWRIGHT_TEST_TOKEN"}}) == {
        "token": "s3cret"
    }


def test_optional_type_is_noneable_and_optional() -> None:
    assert op_config_seen({"n": Optional[int]}, {}) == {"n": None}  # noqa: UP045


def test_optional_type_takes_a_value() -> None:
    assert op_config_seen({"n": Optional[int]}, {"n": 2}) == {"n": 2}  # noqa: UP045


def test_pipe_none_union_is_noneable() -> None:
    assert op_config_seen({"n": int | None}, {"n": None}) == {"n": None}


def test_deeply_nested_schema_resolves_every_level() -> None:
    schema = {
        "jobs": [{"name": str, "tags": {str: [int]}, "mode": Selector({"a": int, "b": str})}],
        "opt": Noneable({"x": Field(float, default_value=1)}),
    }
    value = {"jobs": [{"name": "n", "tags": {"t": [1]}, "mode": {"b": "s"}}], "opt": {}}
    assert op_config_seen(schema, value) == {
        "jobs": [{"name": "n", "tags": {"t": [1]}, "mode": {"b": "s"}}],
        "opt": {"x": 1.0},
    }


# --------------------------------------------------------------------------
# Malformed schemas: rejected when written


@pytest.mark.parametrize(
    "schema",
    [set, tuple, bytes, {1, 2}, frozenset, object()],
    ids=["set", "tuple", "bytes", "set-literal", "frozenset", "an-object"],
)
def test_unresolvable_schema_is_rejected_by_op(schema: Any) -> None:
    with pytest.raises(InvalidDefinitionError):
        define_op(schema)


def test_unresolvable_schema_error_names_the_op() -> None:
    with pytest.raises(InvalidDefinitionError, match="strange_op"):

        @op(config_schema=set)
        def strange_op(context):
            pass


def test_unresolvable_type_nested_in_a_dict_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        define_op({"ok": int, "bad": set})


def test_unresolvable_type_nested_in_a_dict_error_names_the_field() -> None:
    # Dagster adds "Error at stack path :<field>." for a nested bad type.
    with pytest.raises(InvalidDefinitionError, match="retry_setting"):
        define_op({"ok": int, "retry_setting": set})


def test_value_instead_of_type_in_a_dict_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        define_op({"a": 1})


def test_union_of_two_types_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        define_op(int | str)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Noneable(Permissive),
        lambda: Array(Shape),
        lambda: Map(str, Selector),
        lambda: Field(Permissive),
        lambda: define_op(Permissive),
        lambda: define_op({"a": Shape}),
    ],
    ids=[
        "Noneable(Permissive)",
        "Array(Shape)",
        "Map(str, Selector)",
        "Field(Permissive)",
        "op-schema-Permissive",
        "dict-value-Shape",
    ],
)
def test_config_type_class_instead_of_instance_is_rejected(make: Any) -> None:
    with pytest.raises(InvalidDefinitionError):
        make()


def test_class_instead_of_instance_error_suggests_an_instance() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"Permissive\("):
        Noneable(Permissive)


@pytest.mark.parametrize(
    ("config", "default"),
    [
        (int, "x"),
        (int, None),
        (int, True),
        (int, 1.5),
        (str, 3),
        (bool, 1),
        (float, "1.0"),
        ([int], 5),
        ([int], [1, "2"]),
        ({"a": int, "b": int}, {"a": 1}),
        ({"a": int}, {"a": 1, "zz": 2}),
        (Selector({"a": int, "b": int}), {"a": 1, "b": 2}),
        ({str: int}, {"k": "v"}),
        (Color, Color.RED),
        (Color, "BLUE"),
    ],
    ids=[
        "int-given-str",
        "int-given-None",
        "int-given-bool",
        "int-given-float",
        "str-given-int",
        "bool-given-int",
        "float-given-str",
        "array-given-int",
        "array-given-bad-item",
        "shape-missing-required-key",
        "shape-unknown-key",
        "selector-two-keys",
        "map-bad-value",
        "enum-given-member",
        "enum-unknown-name",
    ],
)
def test_default_not_matching_its_type_is_rejected(config: Any, default: Any) -> None:
    with pytest.raises(InvalidDefinitionError):
        Field(config, default_value=default)


def test_bad_default_is_rejected_when_the_op_is_defined() -> None:
    with pytest.raises(InvalidDefinitionError):
        define_op({"retries": Field(int, default_value="three")})


def test_float_default_may_be_an_int() -> None:
    assert op_config_seen({"rate": Field(float, default_value=1)}, {}) == {"rate": 1.0}


def test_required_field_with_default_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        Field(int, default_value=1, is_required=True)


def test_callable_default_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        Field(int, default_value=lambda: 1)


def test_function_default_is_rejected() -> None:
    def make_default() -> list[int]:
        return [1]

    with pytest.raises(InvalidDefinitionError):
        Field([int], default_value=make_default)


@pytest.mark.parametrize(
    "schema",
    [[int, str], [], [int, int]],
    ids=["two-types", "empty", "same-type-twice"],
)
def test_list_schema_not_of_length_one_is_rejected(schema: list[Any]) -> None:
    with pytest.raises(InvalidDefinitionError):
        define_op(schema)


def test_list_schema_of_two_types_inside_a_dict_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        define_op({"items": [int, str]})


@pytest.mark.parametrize(
    "make",
    [
        lambda: Shape({1: int}),
        lambda: Permissive({1: int}),
        lambda: Selector({1: int}),
        lambda: define_op({"a": str, 2: int}),
        lambda: define_op({1: int}),
        lambda: define_op({None: int}),
    ],
    ids=[
        "Shape",
        "Permissive",
        "Selector",
        "dict-mixed-keys",
        "dict-one-int-key",
        "dict-None-key",
    ],
)
def test_non_str_shape_key_is_rejected(make: Any) -> None:
    with pytest.raises(InvalidDefinitionError):
        make()


@pytest.mark.parametrize(
    "key_type",
    [
        [str],
        {"a": int},
        StringSource,
        Enum("E", [EnumValue("A")]),
        Noneable(str),
        Any,
        Permissive(),
    ],
    ids=["array", "shape", "StringSource", "enum", "noneable", "any", "permissive"],
)
def test_map_with_non_scalar_key_is_rejected(key_type: Any) -> None:
    with pytest.raises(InvalidDefinitionError):
        Map(key_type, int)


def test_field_of_field_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        Field(Field(int))


def test_field_of_unresolvable_type_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        Field(set)


def test_scalar_union_with_non_scalar_first_type_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        ScalarUnion([int], {"a": int})


def test_enum_value_with_non_str_config_value_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        EnumValue(1)  # type: ignore[arg-type]


def test_enum_with_duplicate_value_names_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        Enum("Twice", [EnumValue("A"), EnumValue("A")])


def test_shape_given_a_list_of_fields_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        Shape(["a", "b"])  # type: ignore[arg-type]
