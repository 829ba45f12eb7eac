"""Pythonic config: Config classes as op config, RunConfig and EnvVar."""

import enum
import subprocess
import sys
import textwrap
from typing import Any, Literal, Optional

import pytest

from dagwright import (
    Config,
    DagwrightError,
    EnvVar,
    InvalidDefinitionError,
    InvalidInvocationError,
    PermissiveConfig,
    RunConfig,
    RunConfigError,
    build_op_context,
    job,
    op,
    validate_run_config,
)

# --------------------------------------------------------------------------
# Config classes


class Color(enum.Enum):
    RED = "r"
    BLUE = "b"


class Inner(Config):
    x: int
    y: str = "why"


class Everything(Config):
    s: str
    i: int = 1
    f: float = 1.5
    b: bool = False
    o: Optional[int] = None  # noqa: UP045 -- typing.Optional is one of the supported spellings
    u: int | None = None
    lst: list[int] = []  # noqa: RUF012 -- pydantic copies mutable defaults
    d: dict[str, int] = {}  # noqa: RUF012
    color: Color = Color.RED
    lit: Literal["a", "b"] = "a"
    anything: Any = None
    inner: Inner = Inner(x=0)


class Named(Config):
    name: str
    n: int = 2


received: dict[str, Any] = {}


@op
def use_everything(context: Any, config: Everything) -> str:
    received["config"] = config
    received["op_config"] = context.op_config
    return config.s


@job
def everything_job():
    use_everything()


@op
def repeat(config: Named) -> str:
    return config.name * config.n


@job
def repeat_job():
    repeat()


def _run_everything(config: dict[str, Any]) -> Everything:
    everything_job.execute_in_process(run_config={"ops": {"use_everything": {"config": config}}})
    return received["config"]


def _problems(job_def: Any, run_config: Any) -> list[tuple[str, str]]:
    with pytest.raises(RunConfigError) as caught:
        job_def.execute_in_process(run_config=run_config)
    return [(p.path, p.reason) for p in caught.value.problems]


# --------------------------------------------------------------------------
# Field types and defaults


def test_the_op_receives_an_instance_of_its_config_class() -> None:
    config = _run_everything({"s": "hi"})

    assert isinstance(config, Everything)
    assert config.s == "hi"


def test_fields_left_out_take_their_defaults() -> None:
    config = _run_everything({"s": "hi"})

    assert config == Everything(
        s="hi",
        i=1,
        f=1.5,
        b=False,
        o=None,
        u=None,
        lst=[],
        d={},
        color=Color.RED,
        lit="a",
        anything=None,
        inner=Inner(x=0, y="why"),
    )


def test_scalar_fields_take_their_values() -> None:
    config = _run_everything({"s": "hi", "i": 7, "f": 2.5, "b": True})

    assert (config.i, config.f, config.b) == (7, 2.5, True)


def test_a_float_field_given_an_int_holds_a_float() -> None:
    config = _run_everything({"s": "hi", "f": 2})

    assert config.f == 2.0
    assert isinstance(config.f, float)


def test_an_int_field_rejects_a_bool() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "i": True}}}}
    ) == [("ops.use_everything.config.i", "RUNTIME_TYPE_MISMATCH")]


def test_a_bool_field_rejects_an_int() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "b": 1}}}}
    ) == [("ops.use_everything.config.b", "RUNTIME_TYPE_MISMATCH")]


def test_a_str_field_rejects_an_int() -> None:
    assert _problems(everything_job, {"ops": {"use_everything": {"config": {"s": 1}}}}) == [
        ("ops.use_everything.config.s", "RUNTIME_TYPE_MISMATCH")
    ]


def test_an_enum_field_is_given_by_member_name_and_received_as_the_member() -> None:
    config = _run_everything({"s": "hi", "color": "BLUE"})

    assert config.color is Color.BLUE


def test_an_enum_field_rejects_a_member_value() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "color": "b"}}}}
    ) == [("ops.use_everything.config.color", "RUNTIME_TYPE_MISMATCH")]


def test_context_op_config_holds_the_enum_member() -> None:
    _run_everything({"s": "hi", "color": "BLUE"})

    assert received["op_config"]["color"] is Color.BLUE


def test_a_literal_field_accepts_one_of_its_strings() -> None:
    config = _run_everything({"s": "hi", "lit": "b"})

    assert config.lit == "b"


def test_a_literal_field_rejects_other_strings() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "lit": "c"}}}}
    ) == [("ops.use_everything.config.lit", "RUNTIME_TYPE_MISMATCH")]


def test_an_optional_field_accepts_none_and_a_value() -> None:
    assert _run_everything({"s": "hi", "o": None}).o is None
    assert _run_everything({"s": "hi", "o": 5}).o == 5


def test_a_union_with_none_field_works_like_optional() -> None:
    assert _run_everything({"s": "hi", "u": 3}).u == 3


def test_an_optional_field_rejects_a_value_of_another_type() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "o": "five"}}}}
    ) == [("ops.use_everything.config.o", "RUNTIME_TYPE_MISMATCH")]


def test_an_optional_field_without_a_default_is_optional_and_none() -> None:
    class MaybeConfig(Config):
        value: Optional[int]  # noqa: UP045

    seen: list[Any] = []

    @op
    def maybe(config: MaybeConfig) -> None:
        seen.append(config.value)

    @job
    def maybe_job():
        maybe()

    maybe_job.execute_in_process()

    assert seen == [None]


def test_a_list_field_takes_a_list() -> None:
    assert _run_everything({"s": "hi", "lst": [1, 2, 3]}).lst == [1, 2, 3]


def test_a_list_field_reports_the_bad_element_by_index() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "lst": [1, "two"]}}}}
    ) == [("ops.use_everything.config.lst[1]", "RUNTIME_TYPE_MISMATCH")]


def test_a_list_field_rejects_a_non_list() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "lst": 3}}}}
    ) == [("ops.use_everything.config.lst", "RUNTIME_TYPE_MISMATCH")]


def test_a_dict_field_takes_string_keys_and_typed_values() -> None:
    assert _run_everything({"s": "hi", "d": {"a": 1, "b": 2}}).d == {"a": 1, "b": 2}


def test_a_dict_field_rejects_a_value_of_the_wrong_type() -> None:
    problems = _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "d": {"a": "one"}}}}}
    )

    assert len(problems) == 1
    assert problems[0][0].startswith("ops.use_everything.config.d")
    assert problems[0][1] == "RUNTIME_TYPE_MISMATCH"


def test_an_any_field_keeps_whatever_it_is_given() -> None:
    assert _run_everything({"s": "hi", "anything": {"q": [1, "x"]}}).anything == {"q": [1, "x"]}


def test_a_nested_config_field_is_received_as_an_instance_of_its_class() -> None:
    config = _run_everything({"s": "hi", "inner": {"x": 5}})

    assert config.inner == Inner(x=5, y="why")
    assert isinstance(config.inner, Inner)


def test_a_nested_config_reports_its_missing_field_at_the_nested_path() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "inner": {}}}}}
    ) == [("ops.use_everything.config.inner.x", "MISSING_REQUIRED_FIELD")]


def test_a_list_of_nested_configs_holds_instances_with_defaults() -> None:
    class Item(Config):
        k: str
        v: int = 0

    class Items(Config):
        items: list[Item]

    seen: list[Any] = []

    @op
    def take(config: Items) -> None:
        seen.append(config.items)

    @job
    def items_job():
        take()

    items_job.execute_in_process(
        run_config={"ops": {"take": {"config": {"items": [{"k": "a"}, {"k": "b", "v": 2}]}}}}
    )

    assert seen == [[Item(k="a", v=0), Item(k="b", v=2)]]


def test_context_op_config_is_the_resolved_dict() -> None:
    _run_everything({"s": "hi", "inner": {"x": 5}, "f": 3})

    op_config = received["op_config"]
    assert isinstance(op_config, dict)
    assert op_config["s"] == "hi"
    assert op_config["f"] == 3.0
    assert op_config["i"] == 1
    assert op_config["inner"] == {"x": 5, "y": "why"}


def test_a_config_field_with_a_pydantic_field_default_uses_it() -> None:
    import pydantic

    class WithField(Config):
        count: int = pydantic.Field(default=4, description="how many")

    seen: list[int] = []

    @op
    def counted(config: WithField) -> None:
        seen.append(config.count)

    @job
    def counted_job():
        counted()

    counted_job.execute_in_process()

    assert seen == [4]


# --------------------------------------------------------------------------
# Validation and definition errors


def test_unknown_fields_in_run_config_are_rejected() -> None:
    assert _problems(
        everything_job, {"ops": {"use_everything": {"config": {"s": "x", "zz": 1}}}}
    ) == [("ops.use_everything.config.zz", "FIELD_NOT_DEFINED")]


def test_a_missing_required_field_is_reported_at_its_path() -> None:
    assert _problems(everything_job, {"ops": {"use_everything": {"config": {}}}}) == [
        ("ops.use_everything.config.s", "MISSING_REQUIRED_FIELD")
    ]


def test_a_job_whose_op_needs_a_required_field_fails_without_run_config() -> None:
    with pytest.raises(RunConfigError) as caught:
        everything_job.execute_in_process()

    assert "ops.use_everything.config.s" in [p.path for p in caught.value.problems]


def test_an_op_whose_config_class_has_only_defaults_runs_without_run_config() -> None:
    class AllDefaults(Config):
        a: int = 1
        b: str = "x"

    seen: list[Any] = []

    @op
    def defaults_op(config: AllDefaults) -> None:
        seen.append(config)

    @job
    def defaults_job():
        defaults_op()

    defaults_job.execute_in_process()

    assert seen == [AllDefaults(a=1, b="x")]


def test_config_schema_together_with_a_config_parameter_is_an_error() -> None:
    with pytest.raises(InvalidDefinitionError, match="config_schema"):

        @op(config_schema={"a": int})
        def both(config: Named) -> None: ...


def test_a_set_field_is_an_error_naming_the_class_and_the_field() -> None:
    class WithSet(Config):
        tags: set[int] = set()  # noqa: RUF012

    with pytest.raises(InvalidDefinitionError, match="WithSet") as caught:

        @op
        def uses_set(config: WithSet) -> None: ...

    assert "'tags'" in str(caught.value)


def test_a_tuple_field_is_an_error_naming_the_class_and_the_field() -> None:
    class WithTuple(Config):
        pair: tuple[int, int] = (1, 2)

    with pytest.raises(InvalidDefinitionError, match="WithTuple") as caught:

        @op
        def uses_tuple(config: WithTuple) -> None: ...

    assert "'pair'" in str(caught.value)


def test_a_union_of_scalars_field_is_an_error_naming_the_class_and_the_field() -> None:
    class WithUnion(Config):
        either: int | str = 1

    with pytest.raises(InvalidDefinitionError, match="WithUnion") as caught:

        @op
        def uses_union(config: WithUnion) -> None: ...

    assert "'either'" in str(caught.value)


def test_a_config_parameter_is_not_an_input() -> None:
    @op
    def with_input(config: Named, other: int) -> str:
        return config.name * other

    assert [d.name for d in with_input.input_defs] == ["other"]


def test_config_instances_are_frozen() -> None:
    config = Named(name="a")

    with pytest.raises((ValueError, InvalidInvocationError), match="frozen"):
        config.name = "b"  # type: ignore[misc]


def test_constructing_a_config_with_an_unknown_field_is_rejected() -> None:
    with pytest.raises((ValueError, InvalidInvocationError), match="zz"):
        Named(name="a", zz=1)  # type: ignore[call-arg]


# --------------------------------------------------------------------------
# Direct invocation


def test_direct_invocation_with_a_config_instance() -> None:
    assert repeat(config=Named(name="a", n=3)) == "aaa"


def test_direct_invocation_with_a_config_dict_fills_defaults() -> None:
    assert repeat(config={"name": "b"}) == "bb"


def test_direct_invocation_with_a_dict_holding_an_unknown_field_is_rejected() -> None:
    with pytest.raises((InvalidInvocationError, ValueError), match="zz"):
        repeat(config={"name": "b", "zz": 1})


def test_direct_invocation_without_a_required_field_is_rejected_naming_it() -> None:
    with pytest.raises((DagwrightError, ValueError), match="name"):
        repeat(config={"n": 1})


def test_direct_invocation_of_an_op_with_context_and_config() -> None:
    @op
    def greet(context: Any, config: Named) -> str:
        return f"{context.op_def.name}:{config.name}"

    assert greet(build_op_context(), config=Named(name="z")) == "greet:z"


# --------------------------------------------------------------------------
# PermissiveConfig


class Loose(PermissiveConfig):
    a: int = 1


def test_permissive_config_keeps_fields_it_does_not_declare() -> None:
    seen: list[Any] = []

    @op
    def loose(config: Loose) -> None:
        seen.append(config)

    @job
    def loose_job():
        loose()

    loose_job.execute_in_process(run_config={"ops": {"loose": {"config": {"a": 2, "extra": [1]}}}})

    (config,) = seen
    assert config.a == 2
    assert config.extra == [1]


def test_permissive_config_still_validates_declared_fields() -> None:
    @op
    def loose(config: Loose) -> None: ...

    @job
    def loose_job():
        loose()

    assert _problems(loose_job, {"ops": {"loose": {"config": {"a": "x", "extra": 1}}}}) == [
        ("ops.loose.config.a", "RUNTIME_TYPE_MISMATCH")
    ]


def test_permissive_config_to_config_dict_includes_extra_fields() -> None:
    assert Loose(a=3, zz=4).to_config_dict() == {"a": 3, "zz": 4}


# --------------------------------------------------------------------------
# EnvVar


def test_an_env_var_in_a_run_config_object_is_resolved_at_launch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_NAME", "secret")

    result = repeat_job.execute_in_process(
        run_config=RunConfig(ops={"repeat": Named(name=EnvVar("DAGWRIGHT_TEST_NAME"))})
    )

    assert result.output_for_node("repeat") == "secretsecret"


def test_the_run_record_keeps_the_env_var_reference_not_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_NAME", "s3cr3t")

    result = repeat_job.execute_in_process(
        run_config=RunConfig(ops={"repeat": Named(name=EnvVar("DAGWRIGHT_TEST_NAME"))})
    )

    assert result.dagster_run.run_config == {
        "ops": {"repeat": {"config": {"name": {"env": "DAGWRIGHT_TEST_NAME"}, "n": 2}}}
    }
    assert "s3cr3t" not in repr(result.dagster_run.run_config)


def test_env_var_int_is_resolved_to_an_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_COUNT", "4")

    result = repeat_job.execute_in_process(
        run_config=RunConfig(ops={"repeat": Named(name="q", n=EnvVar.int("DAGWRIGHT_TEST_COUNT"))})
    )

    assert result.output_for_node("repeat") == "qqqq"
    assert result.dagster_run.run_config["ops"]["repeat"]["config"]["n"] == {
        "env": "DAGWRIGHT_TEST_COUNT"
    }


def test_an_unset_env_var_is_a_run_config_problem_at_its_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DAGWRIGHT_TEST_UNSET", raising=False)

    assert _problems(
        repeat_job, RunConfig(ops={"repeat": Named(name=EnvVar("DAGWRIGHT_TEST_UNSET"))})
    ) == [("ops.repeat.config.name", "FAILED_POST_PROCESSING")]


def test_an_env_var_int_that_is_not_a_number_is_a_run_config_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_COUNT", "many")

    problems = _problems(
        repeat_job,
        RunConfig(ops={"repeat": Named(name="q", n=EnvVar.int("DAGWRIGHT_TEST_COUNT"))}),
    )

    assert [path for path, _ in problems] == ["ops.repeat.config.n"]


def test_an_env_reference_in_a_dict_run_config_is_resolved_for_a_str_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_NAME", "ab")

    result = repeat_job.execute_in_process(
        run_config={"ops": {"repeat": {"config": {"name": {"env": "DAGWRIGHT_TEST_NAME"}}}}}
    )

    assert result.output_for_node("repeat") == "abab"


def test_env_var_get_value_reads_the_variable_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGWRIGHT_TEST_NAME", "now")

    assert EnvVar("DAGWRIGHT_TEST_NAME").get_value() == "now"


def test_env_var_get_value_returns_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGWRIGHT_TEST_UNSET", raising=False)

    assert EnvVar("DAGWRIGHT_TEST_UNSET").get_value(default="dflt") == "dflt"


def test_a_config_holding_an_env_var_shows_its_name_in_to_config_dict() -> None:
    assert Named(name=EnvVar("DAGWRIGHT_TEST_NAME"), n=1).to_config_dict() == {
        "name": {"env": "DAGWRIGHT_TEST_NAME"},
        "n": 1,
    }


# --------------------------------------------------------------------------
# RunConfig


def test_run_config_to_config_dict_has_every_section() -> None:
    run_config = RunConfig(
        ops={"repeat": Named(name="a")},
        resources={"db": {"config": {"host": "h"}}},
        loggers={"console": {"config": {"log_level": "DEBUG"}}},
        execution={"config": {}},
    )

    assert run_config.to_config_dict() == {
        "ops": {"repeat": {"config": {"name": "a", "n": 2}}},
        "resources": {"db": {"config": {"host": "h"}}},
        "loggers": {"console": {"config": {"log_level": "DEBUG"}}},
        "execution": {"config": {}},
    }


def test_run_config_takes_ops_as_its_first_positional_argument() -> None:
    assert RunConfig({"repeat": Named(name="a", n=1)}).to_config_dict()["ops"] == {
        "repeat": {"config": {"name": "a", "n": 1}}
    }


def test_run_config_keeps_a_plain_dict_op_section_as_it_is() -> None:
    assert RunConfig(ops={"repeat": {"config": {"name": "a"}}}).to_config_dict()["ops"] == {
        "repeat": {"config": {"name": "a"}}
    }


def test_run_config_writes_enum_fields_by_member_name() -> None:
    config = Everything(s="x", color=Color.BLUE)

    section = RunConfig(ops={"use_everything": config}).to_config_dict()["ops"]["use_everything"]

    assert section["config"]["color"] == "BLUE"


def test_run_config_writes_nested_configs_as_dicts() -> None:
    config = Everything(s="x", inner=Inner(x=3))

    section = RunConfig(ops={"use_everything": config}).to_config_dict()["ops"]["use_everything"]

    assert section["config"]["inner"] == {"x": 3, "y": "why"}


def test_execute_in_process_accepts_a_run_config_object() -> None:
    result = repeat_job.execute_in_process(run_config=RunConfig(ops={"repeat": Named(name="z")}))

    assert result.output_for_node("repeat") == "zz"


def test_a_run_config_object_round_trips_every_field_type() -> None:
    given = Everything(
        s="x",
        i=2,
        f=0.5,
        b=True,
        o=3,
        lst=[4],
        d={"k": 5},
        color=Color.BLUE,
        lit="b",
        anything=[1],
        inner=Inner(x=6, y="z"),
    )

    everything_job.execute_in_process(run_config=RunConfig(ops={"use_everything": given}))

    assert received["config"] == given


def test_validate_run_config_accepts_a_run_config_object() -> None:
    resolved = validate_run_config(repeat_job, RunConfig(ops={"repeat": Named(name="v")}))

    assert resolved["ops"]["repeat"]["config"] == {"name": "v", "n": 2}


def test_validate_run_config_reports_problems_in_a_run_config_object() -> None:
    with pytest.raises(RunConfigError) as caught:
        validate_run_config(repeat_job, RunConfig(ops={"repeat": {"config": {"n": 1}}}))

    assert [p.path for p in caught.value.problems] == ["ops.repeat.config.name"]


def test_a_run_config_object_with_loggers_configures_the_console_logger() -> None:
    resolved = validate_run_config(
        repeat_job,
        RunConfig(
            ops={"repeat": Named(name="a")},
            loggers={"console": {"config": {"log_level": "DEBUG"}}},
        ),
    )

    assert resolved["loggers"]["console"]["config"]["log_level"] == "DEBUG"


# --------------------------------------------------------------------------
# Import cost


def _run_python(code: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


def test_importing_dagwright_does_not_import_pydantic() -> None:
    output = _run_python(
        """
        import sys
        import dagwright
        from dagwright import RunConfig, EnvVar, job, op
        print("pydantic" in sys.modules)
        """
    )

    assert output == "False"


def test_reading_dagwright_config_imports_pydantic() -> None:
    output = _run_python(
        """
        import sys
        import dagwright
        dagwright.Config
        print("pydantic" in sys.modules)
        """
    )

    assert output == "True"
