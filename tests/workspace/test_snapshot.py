"""Job snapshots: a job's structure as stable, value-free data with an id (job_snapshot)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dagwright import (
    ConfigurableResource,
    DependencyDefinition,
    DynamicOut,
    DynamicOutput,
    Field,
    GraphDefinition,
    In,
    JobDefinition,
    Out,
    RepositoryDefinition,
    ResourceDefinition,
    RetryPolicy,
    graph,
    job,
    op,
    resource,
    success_hook,
)
from dagwright.records import (
    InputSource,
    JobSnapshot,
    SourceKind,
    snapshot_from_json,
    snapshot_id,
    snapshot_to_json,
)
from dagwright.workspace import job_snapshot, job_snapshot_id

SPEC = Path(__file__).resolve().parents[2] / "examples" / "spec"

# A job using most of what a snapshot describes, as a module another process can import.
RICH_JOB_MODULE = textwrap.dedent(
    '''
    from dagwright import (
        DynamicOut, DynamicOutput, Field, GraphIn, GraphOut, In, Out, ResourceDefinition,
        RetryPolicy, graph, job, op, success_hook,
    )

    class Point:
        pass

    @success_hook(required_resource_keys={"alerts"})
    def notify(context):
        pass

    @op(
        required_resource_keys={"db", "cache", "alerts"},
        config_schema={"limit": Field(int, default_value=3), "name": str},
        tags={"team": "data", "tier": "1"},
        retry_policy=RetryPolicy(max_retries=2, delay=0.5),
    )
    def start(context) -> int:
        """Reads the first number."""
        return 1

    @op(ins={"p": In(Point, description="a point", default_value=Point())})
    def shape(p) -> int:
        return 2

    @op
    def add_one(x: int) -> int:
        return x + 1

    @graph(ins={"n": GraphIn("a number")}, out={"total": GraphOut()})
    def inner(n):
        return add_one(n)

    @op(out=DynamicOut())
    def fan():
        yield DynamicOutput(1, mapping_key="a")

    @op
    def gather(xs: list) -> int:
        return 0

    @job(
        resource_defs={k: ResourceDefinition.none_resource() for k in ("db", "cache", "alerts")},
        tags={"owner": "me", "env": "test"},
        metadata={"docs": "https://example.com"},
        hooks={notify},
    )
    def rich():
        """A job with most features."""
        gather([inner(start()), shape()])
        gather.alias("collected")(fan().map(add_one).collect())
    '''
)


def load_rich_job(folder: Path) -> JobDefinition:
    path = folder / "snapshot_rich_job.py"
    path.write_text(RICH_JOB_MODULE)
    spec = importlib.util.spec_from_file_location("snapshot_rich_job", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.rich  # type: ignore[no-any-return]


def id_in_another_process(folder: Path, hash_seed: str) -> str:
    code = (
        f"import sys; sys.path.insert(0, {str(folder)!r}); import snapshot_rich_job; "
        "from dagwright.workspace import job_snapshot_id; "
        "print(job_snapshot_id(snapshot_rich_job.rich))"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def two_op_job(
    *,
    first_name: str = "first",
    input_name: str = "x",
    input_type: Any = int,
    output_name: str = "result",
    dependency: bool = True,
    config_schema: Any = None,
    tags: dict[str, str] | None = None,
) -> JobDefinition:
    """``first -> second``; each keyword changes one thing about it."""

    @op(name=first_name, out={output_name: Out(int)}, config_schema=config_schema, tags=tags)
    def first_op():
        return 1

    @op(ins={input_name: In(input_type)})
    def second(**inputs):
        return inputs

    @job
    def pair():
        value = first_op()
        if dependency:
            second(**{input_name: value})
        else:
            second()

    return pair


def node_named(graph_snapshot: Any, name: str) -> Any:
    return next(n for n in graph_snapshot.nodes if n.name == name)


def spec_jobs(name: str) -> list[JobDefinition]:
    spec = importlib.util.spec_from_file_location(f"spec_{name}", SPEC / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = [v for v in vars(module).values() if isinstance(v, JobDefinition)]
    for value in vars(module).values():
        if isinstance(value, RepositoryDefinition):
            found.extend(value.get_all_jobs())  # asset jobs are built in their repository
    return found


# --------------------------------------------------------------------------
# Identity


def test_the_same_job_has_the_same_snapshot_id_each_time() -> None:
    pair = two_op_job()

    assert job_snapshot_id(pair) == job_snapshot_id(pair)


def test_a_jobs_snapshot_is_built_once() -> None:
    pair = two_op_job()

    assert job_snapshot(pair) is job_snapshot(pair)


def test_the_same_definition_built_twice_has_the_same_snapshot_id() -> None:
    assert job_snapshot_id(two_op_job()) == job_snapshot_id(two_op_job())


def test_another_process_computes_the_same_snapshot_id(tmp_path: Path) -> None:
    here = job_snapshot_id(load_rich_job(tmp_path))

    # Different hash seeds iterate sets (resource keys, hooks) in different orders.
    assert id_in_another_process(tmp_path, "1") == here
    assert id_in_another_process(tmp_path, "2") == here


@pytest.mark.parametrize(
    "change",
    [
        {"first_name": "start"},
        {"input_name": "y"},
        {"output_name": "value"},
        {"input_type": str},
        {"dependency": False},
        {"config_schema": {"n": int}},
        {"tags": {"team": "data"}},
    ],
    ids=lambda change: next(iter(change)),
)
def test_changing_the_structure_changes_the_snapshot_id(change: dict[str, Any]) -> None:
    assert job_snapshot_id(two_op_job(**change)) != job_snapshot_id(two_op_job())


def test_dependencies_written_in_another_order_give_the_same_snapshot_id() -> None:
    @op
    def one():
        return 1

    @op
    def add(a, b):
        return a + b

    def build(order: list[str]) -> JobDefinition:
        deps = {"a": DependencyDefinition("one"), "b": DependencyDefinition("one")}
        return GraphDefinition(
            "g", node_defs=[one, add], dependencies={"add": {k: deps[k] for k in order}}
        ).to_job()

    assert job_snapshot_id(build(["a", "b"])) == job_snapshot_id(build(["b", "a"]))


def test_snapshot_id_is_the_sha256_of_the_canonical_json() -> None:
    import hashlib

    snapshot = job_snapshot(two_op_job())

    assert snapshot_id(snapshot) == hashlib.sha256(snapshot_to_json(snapshot)).hexdigest()


def test_json_round_trip_gives_an_equal_snapshot(tmp_path: Path) -> None:
    snapshot = job_snapshot(load_rich_job(tmp_path))

    assert snapshot_from_json(snapshot_to_json(snapshot)) == snapshot


def test_snapshot_is_immutable() -> None:
    snapshot = job_snapshot(two_op_job())

    with pytest.raises(AttributeError):
        snapshot.name = "other"  # type: ignore[misc]


# --------------------------------------------------------------------------
# What a snapshot describes


def test_op_snapshot_describes_inputs_outputs_resources_tags_config_and_retries(
    tmp_path: Path,
) -> None:
    snapshot = job_snapshot(load_rich_job(tmp_path))

    start = snapshot.op_defs["start"]
    assert start.description == "Reads the first number."
    assert [(o.name, o.type_name) for o in start.outputs] == [("result", "int")]
    assert start.required_resource_keys == ("alerts", "cache", "db")
    assert start.tags == {"team": "data", "tier": "1"}
    assert [f["name"] for f in start.config_schema["type"]["fields"]] == ["limit", "name"]
    assert start.retry_policy is not None
    assert (start.retry_policy.max_retries, start.retry_policy.delay) == (2, 0.5)
    (p,) = snapshot.op_defs["shape"].inputs
    assert (p.name, p.type_name, p.description, p.has_default) == (
        "p",
        "snapshot_rich_job.Point",
        "a point",
        True,
    )


def test_job_snapshot_names_bound_and_required_resources_tags_and_hooks(tmp_path: Path) -> None:
    snapshot = job_snapshot(load_rich_job(tmp_path))

    assert snapshot.resource_keys == ("alerts", "cache", "db")
    assert snapshot.required_resource_keys == ("alerts", "cache", "db", "io_manager")
    assert snapshot.tags == {"owner": "me", "env": "test"}
    assert snapshot.hooks == ("notify",)
    assert snapshot.description == "A job with most features."


def test_nested_graph_is_described_with_its_nodes_inputs_outputs_and_mappings(
    tmp_path: Path,
) -> None:
    snapshot = job_snapshot(load_rich_job(tmp_path))

    node = node_named(snapshot.graph, "inner")
    inner = snapshot.graph_defs["inner"]
    assert node.is_graph
    assert snapshot.definition_of(node) is inner
    assert [n.name for n in inner.nodes] == ["add_one"]
    assert [(i.name, i.description) for i in inner.inputs] == [("n", "a number")]
    assert [o.name for o in inner.outputs] == ["total"]
    assert [(m.graph_input, m.node, m.input) for m in inner.input_mappings] == [
        ("n", "add_one", "x")
    ]
    assert [(m.graph_output, m.node, m.output) for m in inner.output_mappings] == [
        ("total", "add_one", "result")
    ]
    assert node_named(inner, "add_one").inputs[0].sources == (
        InputSource(kind=SourceKind.GRAPH_INPUT, graph_input="n"),
    )


def test_fan_in_lists_its_upstream_outputs_in_order(tmp_path: Path) -> None:
    snapshot = job_snapshot(load_rich_job(tmp_path))

    (xs,) = node_named(snapshot.graph, "gather").inputs
    assert xs.fan_in
    assert [(s.kind, s.node, s.output) for s in xs.sources] == [
        (SourceKind.OUTPUT, "inner", "total"),
        (SourceKind.OUTPUT, "shape", "result"),
    ]


def test_dynamic_fan_out_marks_mapped_inputs_collected_inputs_and_mapped_ops() -> None:
    @op(out=DynamicOut())
    def fan():
        yield DynamicOutput(1, mapping_key="a")

    @op
    def lower(x):
        return x

    @op
    def double(x):
        return x * 2

    @op
    def listed(xs):
        return xs

    @job
    def dynamic():
        listed(fan().map(lambda v: double(lower(v))).collect())

    snapshot = job_snapshot(dynamic)

    assert snapshot.op_defs["fan"].outputs[0].is_dynamic
    assert node_named(snapshot.graph, "lower").inputs[0].sources == (
        InputSource(kind=SourceKind.MAPPED, node="fan", output="result"),
    )
    assert node_named(snapshot.graph, "double").inputs[0].sources == (
        InputSource(kind=SourceKind.OUTPUT, node="lower", output="result"),
    )
    assert node_named(snapshot.graph, "listed").inputs[0].sources == (
        InputSource(kind=SourceKind.COLLECT, node="double", output="result"),
    )
    assert snapshot.mapped_ops == {"lower": "fan.result", "double": "fan.result"}


def test_node_snapshot_carries_alias_tags_hooks_and_retry_policy() -> None:
    @success_hook
    def on_ok(context):
        pass

    @op
    def work():
        return 1

    @job
    def aliased():
        work.alias("w").tag({"k": "v"}).with_hooks({on_ok}).with_retry_policy(
            RetryPolicy(max_retries=4)
        )()

    (node,) = job_snapshot(aliased).graph.nodes

    assert (node.name, node.definition_name) == ("w", "work")
    assert node.tags == {"k": "v"}
    assert node.hooks == ("on_ok",)
    assert node.retry_policy is not None
    assert node.retry_policy.max_retries == 4


def test_two_different_definitions_sharing_a_name_stay_apart() -> None:
    def make_op(value: int) -> Any:
        @op(name="x", tags={"value": str(value)})
        def x():
            return value

        return x

    @graph
    def one():
        make_op(1)()

    @graph
    def two():
        make_op(2)()

    @job
    def both():
        one()
        two()

    snapshot = job_snapshot(both)

    tags = {
        name: snapshot.definition_of(snapshot.graph_defs[name].nodes[0]).tags
        for name in ("one", "two")
    }
    assert tags == {"one": {"value": "1"}, "two": {"value": "2"}}
    assert len(snapshot.op_defs) == 2


def test_a_config_mapping_job_describes_the_mapped_schema() -> None:
    (mapped,) = spec_jobs("config_mapping")

    snapshot = job_snapshot(mapped)

    assert snapshot.config_kind == "mapping"
    fields = snapshot.run_config_schema["fields"]
    assert [f["name"] for f in fields] == ["simplified_param"]


@pytest.mark.parametrize("name", sorted(p.stem for p in SPEC.glob("*.py")))
def test_every_spec_job_snapshots_and_round_trips(name: str) -> None:
    jobs = spec_jobs(name)

    assert jobs
    for found in jobs:
        snapshot = job_snapshot(found)
        assert isinstance(snapshot, JobSnapshot)
        assert snapshot_from_json(snapshot_to_json(snapshot)) == snapshot


def test_a_job_with_an_empty_body_snapshots() -> None:
    @job
    def do_it_all(): ...

    snapshot = job_snapshot(do_it_all)

    assert (snapshot.name, snapshot.graph.nodes, snapshot.op_defs) == ("do_it_all", (), {})


# --------------------------------------------------------------------------
# What a snapshot never holds


def test_hardcoded_run_config_values_are_left_out() -> None:
    @op(config_schema={"password": str})
    def connect(context):
        return context.op_config["password"]

    @job(config={"ops": {"connect": {"config": {"password": "s3cr3t-hardcoded"}}}})
    def preset():
        connect()

    snapshot = job_snapshot(preset)

    assert snapshot.config_kind == "default"
    assert b"s3cr3t-hardcoded" not in snapshot_to_json(snapshot)


def test_config_defaults_are_marked_not_copied() -> None:
    @op(config_schema={"token": Field(str, default_value="s3cr3t-default")})
    def call(context):
        return context.op_config["token"]

    @job
    def calling():
        call()

    snapshot = job_snapshot(calling)

    (token,) = snapshot.op_defs["call"].config_schema["type"]["fields"]
    assert token["has_default"] is True
    assert b"s3cr3t-default" not in snapshot_to_json(snapshot)


def test_resources_appear_by_key_only() -> None:
    class Vault(ConfigurableResource):
        password: str

    @resource(config_schema={"key": Field(str, default_value="s3cr3t-resource-default")})
    def keyed(context):
        return context.resource_config["key"]

    class Client:
        def __repr__(self) -> str:
            return "Client(s3cr3t-object)"

    @op(required_resource_keys={"vault", "keyed", "client"})
    def use(context):
        return None

    @job(
        resource_defs={
            "vault": Vault(password="s3cr3t-pydantic"),
            "keyed": keyed,
            "client": ResourceDefinition.hardcoded_resource(Client()),
        }
    )
    def secured():
        use()

    encoded = snapshot_to_json(job_snapshot(secured))

    assert job_snapshot(secured).resource_keys == ("client", "keyed", "vault")
    assert b"s3cr3t" not in encoded


def test_input_defaults_and_input_values_are_left_out() -> None:
    @op
    def greet(name: str = "s3cr3t-input-default", token: str = "x") -> str:
        return name + token

    @graph
    def greeting(token: str):
        return greet(token=token)

    given = greeting.to_job(input_values={"token": "s3cr3t-input-value"})

    snapshot = job_snapshot(given)

    assert [i.has_default for i in snapshot.op_defs["greet"].inputs] == [True, True]
    assert b"s3cr3t" not in snapshot_to_json(snapshot)
