"""Describing a job's run config schema: ``run_config_schema.describe()`` and the YAML scaffold."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
import yaml

from dagwright import (
    ExecutorDefinition,
    Field,
    IntSource,
    Map,
    Noneable,
    Permissive,
    Selector,
    StringSource,
    config_mapping,
    graph,
    job,
    op,
    resource,
    validate_run_config,
)
from dagwright.config.describe import describe, describe_field


class Color(enum.Enum):
    RED = 1
    GREEN = 2


def one_op_job(schema: Any, **job_kwargs: Any) -> Any:
    @op(config_schema=schema)
    def o(context):
        return context.op_config

    @job(**job_kwargs)
    def config_job():
        o()

    return config_job


def fields_of(described: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in described["fields"]}


def field_at(described: dict[str, Any], *path: str) -> dict[str, Any]:
    """The description of the field at ``path`` (e.g. "ops", "o", "config", "a")."""
    current: dict[str, Any] = {"type": described}
    for name in path:
        current = fields_of(current["type"])[name]
    return current


def op_config_field(schema: Any, **job_kwargs: Any) -> dict[str, Any]:
    return field_at(one_op_job(schema, **job_kwargs).run_config_schema.describe(), "ops", "o")


def config_field(schema: Any, *path: str) -> dict[str, Any]:
    described = one_op_job(schema).run_config_schema.describe()
    return field_at(described, "ops", "o", "config", *path)


# --------------------------------------------------------------------------
# The spec's example jobs


@op(config_schema={"config_param": str})
def do_something(context):
    context.log.info("config_param: " + context.op_config["config_param"])


default_config = {"ops": {"do_something": {"config": {"config_param": "stuff"}}}}


@job(config=default_config)
def do_it_all_with_default_config():
    do_something()


@job
def do_it_all():
    do_something()


@config_mapping(config_schema={"simplified_param": str})
def simplified_config(val):
    return {"ops": {"do_something": {"config": {"config_param": val["simplified_param"]}}}}


@job(config=simplified_config)
def do_it_all_with_simplified_config():
    do_something()


# --------------------------------------------------------------------------
# describe()


def test_describe_is_json_serialisable() -> None:
    described = do_it_all.run_config_schema.describe()
    assert json.loads(json.dumps(described)) == described


def test_describe_top_level_is_a_shape_with_the_run_config_sections() -> None:
    described = do_it_all.run_config_schema.describe()
    assert described["kind"] == "shape"
    assert {"ops", "resources", "execution", "loggers"} <= set(fields_of(described))


def test_describe_marks_a_required_leaf_as_required() -> None:
    described = do_it_all.run_config_schema.describe()
    leaf = field_at(described, "ops", "do_something", "config", "config_param")
    assert leaf["required"] is True


def test_describe_gives_a_scalar_leaf_its_type() -> None:
    described = do_it_all.run_config_schema.describe()
    leaf = field_at(described, "ops", "do_something", "config", "config_param")
    assert leaf["type"] == {"kind": "scalar", "type": "str"}


def test_describe_marks_sections_with_required_leaves_as_required() -> None:
    described = do_it_all.run_config_schema.describe()
    assert field_at(described, "ops")["required"] is True
    assert field_at(described, "ops", "do_something")["required"] is True


def test_describe_marks_sections_without_required_leaves_as_optional() -> None:
    described = do_it_all.run_config_schema.describe()
    assert field_at(described, "resources")["required"] is False
    assert field_at(described, "loggers")["required"] is False


def test_describe_gives_a_field_with_default_its_default_and_optional() -> None:
    field = config_field({"retries": Field(int, default_value=3)}, "retries")
    assert field["required"] is False
    assert field["default"] == 3


def test_describe_field_without_default_has_no_default_entry() -> None:
    field = config_field({"retries": int}, "retries")
    assert "default" not in field


def test_describe_without_defaults_marks_a_default_without_its_value() -> None:
    config = one_op_job({"token": Field(str, default_value="abc")}).run_config_schema.config_type
    described = describe(config, defaults=False)
    field = field_at(described, "ops", "o", "config", "token")
    assert (field.get("default"), field["has_default"], field["required"]) == (None, True, False)


def test_describe_without_defaults_leaves_out_a_jobs_hardcoded_config() -> None:
    config = do_it_all_with_default_config.run_config_schema.config_type
    assert "stuff" not in json.dumps(describe(config, defaults=False))


def test_describe_field_describes_one_field() -> None:
    field = describe_field(Field(int, default_value=3, description="tries"))
    assert field == {
        "required": False,
        "description": "tries",
        "type": {"kind": "scalar", "type": "int"},
        "default": 3,
    }


def test_describe_gives_a_field_its_description() -> None:
    field = config_field({"path": Field(str, description="where to write")}, "path")
    assert field["description"] == "where to write"


def test_describe_gives_a_field_without_description_none() -> None:
    assert config_field({"path": str}, "path")["description"] is None


def test_describe_keeps_the_description_of_a_whole_op_config_field() -> None:
    field = op_config_field(Field({"a": int}, description="the op's settings"))
    assert fields_of(field["type"])["config"]["description"] == "the op's settings"


def test_describe_op_with_all_optional_config_is_optional_up_to_ops() -> None:
    described = one_op_job({"a": Field(int, default_value=1)}).run_config_schema.describe()
    assert field_at(described, "ops")["required"] is False
    assert field_at(described, "ops", "o")["required"] is False
    assert field_at(described, "ops", "o", "config")["required"] is False


def test_describe_not_required_field_without_default_is_optional() -> None:
    field = config_field({"limit": Field(int, is_required=False)}, "limit")
    assert field["required"] is False
    assert "default" not in field


def test_describe_nested_shape_lists_its_fields() -> None:
    field = config_field({"db": {"host": str, "port": Field(int, default_value=5432)}}, "db")
    assert field["type"]["kind"] == "shape"
    assert set(fields_of(field["type"])) == {"host", "port"}


def test_describe_shape_fields_keep_declaration_order() -> None:
    field = config_field({"db": {"zeta": str, "alpha": str, "mid": str}}, "db")
    assert [f["name"] for f in field["type"]["fields"]] == ["zeta", "alpha", "mid"]


@pytest.mark.parametrize(
    ("schema", "kind"),
    [
        (Permissive({"a": int}), "permissive"),
        (Selector({"a": int, "b": str}), "selector"),
        ([int], "array"),
        ({str: int}, "map"),
        (Noneable(int), "noneable"),
        (Color, "enum"),
        (StringSource, "source"),
        (IntSource, "source"),
    ],
    ids=["permissive", "selector", "array", "map", "noneable", "enum", "StringSource", "IntSource"],
)
def test_describe_names_the_kind_of_each_type(schema: Any, kind: str) -> None:
    assert config_field({"v": schema}, "v")["type"]["kind"] == kind


def test_describe_array_gives_its_item_type() -> None:
    assert config_field({"v": [int]}, "v")["type"]["inner"] == {"kind": "scalar", "type": "int"}


def test_describe_map_gives_its_key_and_value_types() -> None:
    described = config_field({"v": Map(str, float, key_label_name="city")}, "v")["type"]
    assert described["key"] == "str"
    assert described["key_label"] == "city"
    assert described["inner"] == {"kind": "scalar", "type": "float"}


def test_describe_noneable_gives_its_inner_type_and_is_optional() -> None:
    field = config_field({"v": Noneable(int)}, "v")
    assert field["required"] is False
    assert field["type"]["inner"] == {"kind": "scalar", "type": "int"}


def test_describe_enum_lists_its_value_names() -> None:
    described = config_field({"v": Color}, "v")["type"]
    assert [v["value"] for v in described["values"]] == ["RED", "GREEN"]


def test_describe_selector_lists_its_choices() -> None:
    described = config_field({"v": Selector({"fast": int, "slow": str})}, "v")["type"]
    assert [f["name"] for f in described["fields"]] == ["fast", "slow"]


def test_describe_enum_default_is_the_value_name() -> None:
    field = config_field({"c": Field(Color, default_value="GREEN")}, "c")
    assert field["default"] == "GREEN"


def test_describe_is_json_serialisable_with_non_json_defaults() -> None:
    marker = object()
    described = one_op_job(
        {
            "anything": Field(Any, default_value=marker),
            "keyed": Field(Any, default_value={1: Color.RED}),
            "pair": Field([int], default_value=(1, 2)),
        }
    ).run_config_schema.describe()
    json.dumps(described)


def test_describe_tuple_default_is_written_as_a_list() -> None:
    field = config_field({"pair": Field([int], default_value=(1, 2))}, "pair")
    assert field["default"] == [1, 2]


def test_describe_lists_resource_config() -> None:
    @resource(config_schema={"url": Field(str, description="database url")})
    def db(init_context):
        return None

    @op(required_resource_keys={"db"})
    def uses(context):
        pass

    @job(resource_defs={"db": db})
    def resource_job():
        uses()

    leaf = field_at(resource_job.run_config_schema.describe(), "resources", "db", "config", "url")
    assert leaf["required"] is True
    assert leaf["description"] == "database url"


def test_describe_lists_console_log_level() -> None:
    field = field_at(
        do_it_all.run_config_schema.describe(), "loggers", "console", "config", "log_level"
    )
    assert field["type"]["kind"] == "enum"
    assert "DEBUG" in [v["value"] for v in field["type"]["values"]]


def test_describe_lists_unconnected_inputs() -> None:
    @op
    def add_one(x: int) -> int:
        return x + 1

    @job
    def input_job():
        add_one()

    field = field_at(input_job.run_config_schema.describe(), "ops", "add_one", "inputs", "x")
    assert field["required"] is True


def test_describe_of_a_config_mapping_job_is_the_outer_schema() -> None:
    described = do_it_all_with_simplified_config.run_config_schema.describe()
    assert set(fields_of(described)) == {"simplified_param"}


def test_describe_of_a_hardcoded_config_job_does_not_require_the_preset_op() -> None:
    # The hardcoded config can be launched as is: its values are defaults, not requirements
    # (Dagster turns them into field defaults, so `ops` is optional).
    described = do_it_all_with_default_config.run_config_schema.describe()
    assert field_at(described, "ops")["required"] is False


# --------------------------------------------------------------------------
# scaffold_run_config()


def scaffold_of(job_def: Any) -> Any:
    return yaml.safe_load(job_def.scaffold_run_config())


def test_scaffold_is_a_string() -> None:
    assert isinstance(do_it_all.scaffold_run_config(), str)


def test_scaffold_parses_as_yaml() -> None:
    assert isinstance(scaffold_of(do_it_all), dict)


def test_scaffold_contains_a_placeholder_for_a_required_field() -> None:
    parsed = scaffold_of(do_it_all)
    assert isinstance(parsed["ops"]["do_something"]["config"]["config_param"], str)


def test_scaffold_placeholders_have_the_field_type() -> None:
    parsed = scaffold_of(one_op_job({"n": int, "rate": float, "flag": bool, "name": str}))
    config = parsed["ops"]["o"]["config"]
    assert type(config["n"]) is int
    assert isinstance(config["rate"], float)
    assert type(config["flag"]) is bool
    assert isinstance(config["name"], str)


def test_scaffold_contains_defaults_of_a_required_section() -> None:
    parsed = scaffold_of(one_op_job({"path": str, "retries": Field(int, default_value=3)}))
    assert parsed["ops"]["o"]["config"]["retries"] == 3


def test_scaffold_comments_carry_the_field_description() -> None:
    text = one_op_job({"path": Field(str, description="where to write")}).scaffold_run_config()
    (line,) = [line for line in text.splitlines() if "path:" in line]
    assert "#" in line
    assert "where to write" in line.split("#", 1)[1]


def test_scaffold_comments_say_which_fields_are_required() -> None:
    text = one_op_job({"path": str}).scaffold_run_config()
    (line,) = [line for line in text.splitlines() if "path:" in line]
    assert "required" in line.split("#", 1)[1]


def test_scaffold_of_job_needing_no_config_is_empty() -> None:
    assert scaffold_of(one_op_job({"a": Field(int, default_value=1)})) in ({}, None)


def test_scaffold_of_spec_hardcoded_config_job_is_valid_yaml() -> None:
    parsed = yaml.safe_load(do_it_all_with_default_config.scaffold_run_config())
    assert parsed is None or isinstance(parsed, dict)


def test_scaffold_of_spec_hardcoded_config_job_validates() -> None:
    parsed = yaml.safe_load(do_it_all_with_default_config.scaffold_run_config()) or {}
    validate_run_config(do_it_all_with_default_config, parsed)


def test_scaffold_of_spec_hardcoded_config_job_shows_the_hardcoded_value() -> None:
    # The spec: the hardcoded config "will show up in the Dagit Launchpad and can be overridden".
    assert "stuff" in do_it_all_with_default_config.scaffold_run_config()


def test_scaffold_of_config_mapping_job_shows_the_outer_schema() -> None:
    parsed = scaffold_of(do_it_all_with_simplified_config)
    assert set(parsed) == {"simplified_param"}


def test_scaffold_required_selector_picks_one_choice_and_names_the_others() -> None:
    text = one_op_job(
        {"mode": Selector({"fast": {"level": int}, "slow": int})}
    ).scaffold_run_config()
    parsed = yaml.safe_load(text)
    assert len(parsed["ops"]["o"]["config"]["mode"]) == 1
    (mode_line,) = [line for line in text.splitlines() if "mode:" in line]
    assert "fast" in mode_line
    assert "slow" in mode_line


def test_scaffold_lists_required_resource_config() -> None:
    @resource(config_schema={"url": str, "port": Field(int, default_value=5432)})
    def db(init_context):
        return None

    @op(required_resource_keys={"db"})
    def uses(context):
        pass

    @job(resource_defs={"db": db})
    def resource_job():
        uses()

    parsed = scaffold_of(resource_job)
    assert set(parsed["resources"]["db"]["config"]) == {"url", "port"}
    assert parsed["resources"]["db"]["config"]["port"] == 5432


def test_scaffold_lists_unconnected_inputs() -> None:
    @op
    def add_one(x: int) -> int:
        return x + 1

    @job
    def input_job():
        add_one()

    assert "x" in scaffold_of(input_job)["ops"]["add_one"]["inputs"]


# --------------------------------------------------------------------------
# A filled-in scaffold is a valid run config


def _resource_job() -> Any:
    @resource(config_schema={"url": StringSource, "port": Field(IntSource, default_value=1)})
    def db(init_context):
        return None

    @op(required_resource_keys={"db"})
    def uses(context):
        pass

    @job(resource_defs={"db": db})
    def resource_job():
        uses()

    return resource_job


def _nested_graph_job() -> Any:
    @op(config_schema={"n": int})
    def inner(context):
        pass

    @graph
    def middle():
        inner()

    @job
    def nested_job():
        middle()

    return nested_job


def _input_job() -> Any:
    @op
    def add_one(x: int, y: list[int], z: dict[str, float]) -> int:
        return x

    @job
    def input_job():
        add_one()

    return input_job


_SCAFFOLD_JOBS = {
    "spec-job": lambda: do_it_all,
    "scalars": lambda: one_op_job({"a": int, "b": float, "c": bool, "d": str}),
    "defaults": lambda: one_op_job({"a": int, "b": Field(str, default_value="x")}),
    "nested-shape": lambda: one_op_job({"db": {"host": str, "port": Field(int, default_value=1)}}),
    "array-map-enum": lambda: one_op_job({"xs": [{"a": int}], "m": {str: int}, "c": Color}),
    "sources": lambda: one_op_job({"s": StringSource, "i": IntSource}),
    "selector-shape-first": lambda: one_op_job(
        {"mode": Selector({"fast": {"level": int}, "slow": int})}
    ),
    "selector-scalar-first": lambda: one_op_job(
        {"mode": Selector({"slow": int, "fast": {"level": int}})}
    ),
    "selector-whole-config": lambda: one_op_job(Selector({"a": str, "b": int})),
    "permissive-with-required-field": lambda: one_op_job({"p": Permissive({"q": int})}),
    "noneable-and-optional": lambda: one_op_job(
        {"a": int, "n": Noneable(int), "o": Field(int, is_required=False)}
    ),
    "resources": _resource_job,
    "nested-graph": _nested_graph_job,
    "inputs": _input_job,
    "executor": lambda: one_op_job(
        {"a": int}, executor_def=ExecutorDefinition("custom", config_schema={"workers": int})
    ),
    "config-mapping": lambda: do_it_all_with_simplified_config,
}


@pytest.mark.parametrize("make_job", list(_SCAFFOLD_JOBS.values()), ids=list(_SCAFFOLD_JOBS))
def test_scaffold_with_placeholders_is_a_valid_run_config(make_job: Any) -> None:
    job_def = make_job()
    parsed = yaml.safe_load(job_def.scaffold_run_config()) or {}
    validate_run_config(job_def, parsed)


def test_scaffold_filled_in_reaches_the_op() -> None:
    job_def = one_op_job({"path": str, "retries": Field(int, default_value=3)})
    parsed = scaffold_of(job_def)
    parsed["ops"]["o"]["config"]["path"] = "/data"
    result = job_def.execute_in_process(run_config=parsed)
    assert result.output_for_node("o") == {"path": "/data", "retries": 3}


def test_scaffold_shows_a_hardcoded_section_as_editable_yaml() -> None:
    @op(config_schema={"on": bool, "path": str})
    def o(context):
        return context.op_config

    @job(config={"ops": {"o": {"config": {"on": True, "path": "/tmp"}}}})
    def preset_job():
        o()

    parsed = scaffold_of(preset_job)
    assert parsed == {"ops": {"o": {"config": {"on": True, "path": "/tmp"}}}}
