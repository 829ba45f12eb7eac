"""IO managers: how outputs are stored and inputs loaded in a run."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    ConfigurableIOManager,
    ConfigurableIOManagerFactory,
    DynamicOut,
    DynamicOutput,
    In,
    InMemoryIOManager,
    InputManager,
    Instance,
    InvalidDefinitionError,
    IOManager,
    MetadataValue,
    Nothing,
    Out,
    RetryPolicy,
    UPathIOManager,
    build_input_context,
    build_output_context,
    fs_io_manager,
    input_manager,
    io_manager,
    job,
    mem_io_manager,
    op,
    resource,
)


class RecordingIOManager(IOManager):
    """Stores outputs in a dict by identifier (without the run id) and records every call."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, ...], Any] = {}
        self.calls: list[tuple[str, Any]] = []

    def handle_output(self, context: Any, obj: Any) -> None:
        self.calls.append(("handle", context))
        self.stored[tuple(context.get_identifier()[1:])] = obj

    def load_input(self, context: Any) -> Any:
        self.calls.append(("load", context))
        return self.stored[tuple(context.upstream_output.get_identifier()[1:])]


@op
def emit() -> int:
    return 1


@op
def add_one(x: int) -> int:
    return x + 1


def events_of(result: Any, kind: str) -> list[Any]:
    return [e for e in result.all_events if e.event_type_value == kind]


# --------------------------------------------------------------------------
# The default: in memory


def test_job_without_an_io_manager_keeps_outputs_in_memory_without_starting_resources() -> None:
    @job
    def plain():
        add_one(emit())

    result = plain.execute_in_process()
    assert result.output_for_node("add_one") == 2
    assert events_of(result, "RESOURCE_INIT_STARTED") == []


def test_handled_output_event_names_the_default_manager() -> None:
    @job
    def plain():
        emit()

    (handled,) = events_of(plain.execute_in_process(), "HANDLED_OUTPUT")
    assert handled.event_specific_data.manager_key == "io_manager"


def test_explicit_mem_io_manager_runs_like_the_default() -> None:
    @job(resource_defs={"io_manager": mem_io_manager})
    def in_memory():
        add_one(emit())

    assert in_memory.execute_in_process().output_for_node("add_one") == 2


# --------------------------------------------------------------------------
# A custom manager


def test_custom_io_manager_stores_every_output_and_loads_every_input() -> None:
    manager = RecordingIOManager()

    @job(resource_defs={"io_manager": manager})
    def custom():
        add_one(emit())

    custom.execute_in_process()
    assert [kind for kind, _ in manager.calls] == ["handle", "load", "handle"]
    assert manager.stored == {("emit", "result"): 1, ("add_one", "result"): 2}


def test_downstream_op_receives_what_load_input_returns() -> None:
    class Doubling(RecordingIOManager):
        def load_input(self, context: Any) -> Any:
            return super().load_input(context) * 10

    @job(resource_defs={"io_manager": Doubling()})
    def transformed():
        add_one(emit())

    assert transformed.execute_in_process().output_for_node("add_one") == 11


def test_output_context_describes_the_output() -> None:
    manager = RecordingIOManager()

    @op(out=Out(metadata={"owner": "data"}))
    def described() -> int:
        return 3

    @job(resource_defs={"io_manager": manager})
    def describing():
        described()

    result = describing.execute_in_process()
    (_, context), *_ = manager.calls
    assert (context.step_key, context.name, context.job_name) == (
        "described",
        "result",
        "describing",
    )
    assert context.run_id == result.run_id
    assert context.metadata == {"owner": "data"}
    assert context.dagster_type.name == "int"
    assert context.get_identifier() == [result.run_id, "described", "result"]


def test_input_context_names_the_input_and_its_upstream_output() -> None:
    manager = RecordingIOManager()

    @job(resource_defs={"io_manager": manager})
    def loading():
        add_one(emit())

    loading.execute_in_process()
    (context,) = [c for kind, c in manager.calls if kind == "load"]
    assert context.name == "x"
    assert context.step_key == "add_one"
    assert (context.upstream_output.step_key, context.upstream_output.name) == ("emit", "result")


def test_output_io_manager_key_chooses_the_manager_per_output() -> None:
    default, other = RecordingIOManager(), RecordingIOManager()

    @op(out=Out(io_manager_key="warehouse"))
    def to_warehouse() -> int:
        return 5

    @job(resource_defs={"io_manager": default, "warehouse": other})
    def routed():
        add_one(to_warehouse())

    result = routed.execute_in_process()
    assert other.stored == {("to_warehouse", "result"): 5}
    assert default.stored == {("add_one", "result"): 6}
    (loaded,) = events_of(result, "LOADED_INPUT")
    assert loaded.event_specific_data.manager_key == "warehouse"


def test_input_manager_key_loads_an_input_with_another_manager() -> None:
    class Constant(IOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            raise AssertionError("an input manager stores nothing")

        def load_input(self, context: Any) -> Any:
            return 100

    @op(ins={"x": In(input_manager_key="loader")})
    def loads(x: int) -> int:
        return x

    @job(resource_defs={"loader": Constant()})
    def with_loader():
        loads(emit())

    assert with_loader.execute_in_process().output_for_node("loads") == 100


def test_input_manager_loads_an_input_nothing_feeds() -> None:
    class FromTable(IOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            pass

        def load_input(self, context: Any) -> Any:
            assert context.upstream_output is None
            return f"rows of {context.name}"

    @op(ins={"users": In(input_manager_key="tables")})
    def count(users: str) -> str:
        return users

    @job(resource_defs={"tables": FromTable()})
    def root_input():
        count()

    assert root_input.execute_in_process().output_for_node("count") == "rows of users"


def test_run_config_value_wins_over_the_input_manager() -> None:
    class Never(IOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            pass

        def load_input(self, context: Any) -> Any:
            raise AssertionError("not called when run config gives the input")

    @op(ins={"users": In(input_manager_key="tables")})
    def count(users: str) -> str:
        return users

    @job(resource_defs={"tables": Never()})
    def root_input():
        count()

    run_config = {"ops": {"count": {"inputs": {"users": "given"}}}}
    assert root_input.execute_in_process(run_config=run_config).output_for_node("count") == (
        "given"
    )


def test_metadata_added_by_the_manager_lands_on_the_events() -> None:
    class Annotating(RecordingIOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            super().handle_output(context, obj)
            context.add_output_metadata({"rows": obj})

        def load_input(self, context: Any) -> Any:
            context.add_input_metadata({"source": "memory"})
            return super().load_input(context)

    @job(resource_defs={"io_manager": Annotating()})
    def annotated():
        add_one(emit())

    result = annotated.execute_in_process()
    handled = [e.event_specific_data.metadata for e in events_of(result, "HANDLED_OUTPUT")]
    assert handled == [{"rows": MetadataValue.int(1)}, {"rows": MetadataValue.int(2)}]
    (loaded,) = events_of(result, "LOADED_INPUT")
    assert loaded.event_specific_data.metadata == {"source": MetadataValue.text("memory")}


# --------------------------------------------------------------------------
# Dynamic outputs and fan-in


def test_dynamic_outputs_are_stored_under_their_mapping_key_and_collected_through_the_manager() -> (
    None
):
    manager = RecordingIOManager()

    @op(out=DynamicOut())
    def fan():
        for i in range(3):
            yield DynamicOutput(i, mapping_key=f"k{i}")

    @op
    def total(values: list[int]) -> int:
        return sum(values)

    @job(resource_defs={"io_manager": manager})
    def dynamic():
        total(fan().map(add_one).collect())

    result = dynamic.execute_in_process()
    assert result.output_for_node("total") == 6
    assert ("fan", "result", "k1") in manager.stored
    assert manager.stored[("add_one[k2]", "result")] == 3


def test_fan_in_list_items_are_each_loaded_through_their_manager() -> None:
    manager = RecordingIOManager()

    @op
    def two() -> int:
        return 2

    @op
    def total(values: list[int]) -> int:
        return sum(values)

    @job(resource_defs={"io_manager": manager})
    def fan_in():
        total([emit(), two()])

    assert fan_in.execute_in_process().output_for_node("total") == 3
    assert len([kind for kind, _ in manager.calls if kind == "load"]) == 2


# --------------------------------------------------------------------------
# Definitions: @io_manager, config, resources, classes


def test_io_manager_decorator_gets_its_config_from_run_config() -> None:
    seen = []

    @io_manager(config_schema={"prefix": str})
    def prefixed(init_context: Any) -> IOManager:
        seen.append(init_context.resource_config["prefix"])
        return RecordingIOManager()

    @job(resource_defs={"io_manager": prefixed})
    def configured():
        emit()

    configured.execute_in_process(
        run_config={"resources": {"io_manager": {"config": {"prefix": "p/"}}}}
    )
    assert seen == ["p/"]


def test_output_context_carries_the_managers_config() -> None:
    manager = RecordingIOManager()

    @io_manager(config_schema={"prefix": str})
    def prefixed(init_context: Any) -> IOManager:
        return manager

    @job(resource_defs={"io_manager": prefixed})
    def configured():
        emit()

    configured.execute_in_process(
        run_config={"resources": {"io_manager": {"config": {"prefix": "p/"}}}}
    )
    (_, context), *_ = manager.calls
    assert context.resource_config == {"prefix": "p/"}


def test_io_manager_that_requires_a_resource_reaches_it_through_its_context() -> None:
    buckets = []

    class Bucketed(RecordingIOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            buckets.append(context.resources.bucket)
            super().handle_output(context, obj)

    @io_manager(required_resource_keys={"bucket"})
    def bucketed(init_context: Any) -> IOManager:
        return Bucketed()

    @resource
    def bucket(init_context: Any) -> str:
        return "s3://b"

    @job(resource_defs={"io_manager": bucketed, "bucket": bucket})
    def with_bucket():
        emit()

    with_bucket.execute_in_process()
    assert buckets == ["s3://b"]


def test_configurable_io_manager_fields_are_its_config() -> None:
    class Prefixing(ConfigurableIOManager):
        prefix: str

        def handle_output(self, context: Any, obj: Any) -> None:
            context.add_output_metadata({"key": f"{self.prefix}{context.name}"})

        def load_input(self, context: Any) -> Any:
            return 0

    @job(resource_defs={"io_manager": Prefixing.configure_at_launch()})
    def class_based():
        emit()

    result = class_based.execute_in_process(
        run_config={"resources": {"io_manager": {"config": {"prefix": "s3://"}}}}
    )
    (handled,) = events_of(result, "HANDLED_OUTPUT")
    assert handled.event_specific_data.metadata == {"key": MetadataValue.text("s3://result")}


def test_configurable_io_manager_factory_builds_the_manager() -> None:
    manager = RecordingIOManager()

    class Factory(ConfigurableIOManagerFactory[IOManager]):
        name: str = "factory"

        def create_io_manager(self, context: Any) -> IOManager:
            return manager

    @job(resource_defs={"io_manager": Factory()})
    def factory_built():
        emit()

    factory_built.execute_in_process()
    assert manager.stored == {("emit", "result"): 1}


def test_io_manager_factory_without_create_io_manager_fails_when_bound() -> None:
    class Incomplete(ConfigurableIOManagerFactory[IOManager]):
        name: str = "x"

    with pytest.raises(InvalidDefinitionError, match="create_io_manager"):

        @job(resource_defs={"io_manager": Incomplete()})
        def incomplete():
            emit()


def test_output_naming_an_unbound_io_manager_fails_at_definition() -> None:
    @op(out=Out(io_manager_key="warehouse"))
    def to_warehouse() -> int:
        return 5

    with pytest.raises(InvalidDefinitionError, match="'warehouse'") as raised:

        @job(resource_defs={"io_manager": mem_io_manager})
        def unbound():
            to_warehouse()

    assert "to_warehouse" in str(raised.value)


def test_input_manager_key_that_is_not_bound_fails_the_launch() -> None:
    @op(ins={"x": In(input_manager_key="loader")})
    def loads(x: int) -> int:
        return x

    @job
    def unbound():
        loads(emit())

    with pytest.raises(InvalidDefinitionError, match="'loader'"):
        unbound.execute_in_process()


def test_resource_bound_as_io_manager_that_is_not_one_fails_the_run_clearly() -> None:
    @job(resource_defs={"io_manager": "not a manager"})
    def misbound():
        emit()

    result = misbound.execute_in_process(raise_on_error=False)
    assert not result.success
    (failure,) = events_of(result, "RESOURCE_INIT_FAILURE")
    assert "handle_output" in failure.message


def test_failing_handle_output_fails_the_step_with_the_users_exception() -> None:
    class Broken(IOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            raise OSError("disk full")

        def load_input(self, context: Any) -> Any:
            return None

    @job(resource_defs={"io_manager": Broken()})
    def broken():
        emit()

    with pytest.raises(OSError, match="disk full"):
        broken.execute_in_process()


def test_only_the_io_managers_of_the_steps_run_are_started() -> None:
    started = []

    @io_manager
    def tracked(init_context: Any) -> IOManager:
        started.append("warehouse")
        return RecordingIOManager()

    @op(out=Out(io_manager_key="warehouse"))
    def to_warehouse() -> int:
        return 5

    @job(resource_defs={"warehouse": tracked})
    def two_parts():
        to_warehouse()
        emit()

    two_parts.execute_in_process(op_selection=["emit"])
    assert started == []


# --------------------------------------------------------------------------
# Files


def test_fs_io_manager_pickles_each_output_under_base_dir(tmp_path: Path) -> None:
    @job(resource_defs={"io_manager": fs_io_manager})
    def on_disk():
        add_one(emit())

    result = on_disk.execute_in_process(
        run_config={"resources": {"io_manager": {"config": {"base_dir": str(tmp_path)}}}}
    )
    assert result.output_for_node("add_one") == 2
    stored = tmp_path / result.run_id / "add_one" / "result"
    assert pickle.loads(stored.read_bytes()) == 2


def test_fs_io_manager_defaults_to_the_instances_storage_folder() -> None:
    @job(resource_defs={"io_manager": fs_io_manager})
    def on_disk():
        emit()

    instance = Instance.ephemeral()
    result = on_disk.execute_in_process(instance=instance)
    assert (Path(instance.storage_directory()) / result.run_id / "emit" / "result").exists()


def test_fs_io_manager_records_the_path_on_the_events(tmp_path: Path) -> None:
    @job(resource_defs={"io_manager": fs_io_manager})
    def on_disk():
        add_one(emit())

    result = on_disk.execute_in_process(
        run_config={"resources": {"io_manager": {"config": {"base_dir": str(tmp_path)}}}}
    )
    (loaded,) = events_of(result, "LOADED_INPUT")
    path = loaded.event_specific_data.metadata["path"]
    assert path == MetadataValue.path(tmp_path / result.run_id / "emit" / "result")


def test_upath_io_manager_subclass_chooses_the_format_and_extension(tmp_path: Path) -> None:
    class JsonIOManager(UPathIOManager):
        extension = ".json"

        def dump_to_path(self, context: Any, obj: Any, path: Path) -> None:
            path.write_text(json.dumps(obj))

        def load_from_path(self, context: Any, path: Path) -> Any:
            return json.loads(path.read_text())

    @op
    def rows() -> list[int]:
        return [1, 2]

    @op
    def count(values: list[int]) -> int:
        return len(values)

    @job(resource_defs={"io_manager": JsonIOManager(tmp_path)})
    def as_json():
        count(rows())

    result = as_json.execute_in_process()
    assert result.output_for_node("count") == 2
    assert json.loads((tmp_path / result.run_id / "rows" / "result.json").read_text()) == [1, 2]


# --------------------------------------------------------------------------
# Testing a manager on its own


def test_a_manager_can_be_unit_tested_with_built_contexts() -> None:
    manager = InMemoryIOManager()
    output = build_output_context(run_id="r1", step_key="emit", name="result")
    manager.handle_output(output, 42)
    assert manager.load_input(build_input_context(name="x", upstream_output=output)) == 42


def test_output_identifier_of_a_dynamic_output_ends_with_its_mapping_key() -> None:
    context = build_output_context(run_id="r", step_key="fan", name="result", mapping_key="k")
    assert context.get_identifier() == ["r", "fan", "result", "k"]


def test_built_context_accepts_plain_resources() -> None:
    context = build_output_context(resources={"bucket": "s3://b"})
    assert context.resources.bucket == "s3://b"


# --------------------------------------------------------------------------
# Edge cases


def test_fan_in_input_with_its_own_input_manager_loads_each_item_through_it() -> None:
    manager = RecordingIOManager()

    @op
    def two() -> int:
        return 2

    @op(ins={"values": In(input_manager_key="loader")})
    def total(values: list[int]) -> int:
        return sum(values)

    @job(resource_defs={"io_manager": manager, "loader": manager})
    def fan_in():
        total([emit(), two()])

    assert fan_in.execute_in_process().output_for_node("total") == 3
    assert len([kind for kind, _ in manager.calls if kind == "load"]) == 2


def test_unconnected_input_loaded_by_the_in_memory_default_fails_at_definition() -> None:
    @op(ins={"x": In(input_manager_key="io_manager")})
    def loads(x: int) -> int:
        return x

    with pytest.raises(InvalidDefinitionError, match="nothing feeds the input"):

        @job
        def nothing_to_load():
            loads()


def test_an_output_of_type_nothing_is_not_handed_to_the_io_manager() -> None:
    manager = RecordingIOManager()

    @op
    def side_effect() -> None:
        pass

    @op(ins={"after": In(Nothing)})
    def later() -> int:
        return 1

    @job(resource_defs={"io_manager": manager})
    def ordered():
        later(after=side_effect())

    result = ordered.execute_in_process()
    assert result.success
    assert ("side_effect", "result") not in manager.stored


def test_load_only_input_manager_from_the_decorator_loads_a_root_input() -> None:
    @input_manager
    def users_table(context: Any) -> list[str]:
        return [f"{context.name}:ann", f"{context.name}:bob"]

    @op(ins={"users": In(input_manager_key="users_table")})
    def count(users: list[str]) -> int:
        return len(users)

    @job(resource_defs={"users_table": users_table})
    def from_table():
        count()

    assert from_table.execute_in_process().output_for_node("count") == 2


def test_input_manager_subclass_needs_only_load_input() -> None:
    class Constant(InputManager):
        def load_input(self, context: Any) -> Any:
            return 7

    @op(ins={"x": In(input_manager_key="constant")})
    def echo(x: int) -> int:
        return x

    @job(resource_defs={"constant": Constant()})
    def constant():
        echo()

    assert constant.execute_in_process().output_for_node("echo") == 7


def test_load_only_manager_bound_where_outputs_are_stored_names_the_missing_method() -> None:
    class OnlyLoads(InputManager):
        def load_input(self, context: Any) -> Any:
            return 0

    @job(resource_defs={"io_manager": OnlyLoads()})
    def misbound():
        emit()

    result = misbound.execute_in_process(raise_on_error=False)
    (failure,) = events_of(result, "RESOURCE_INIT_FAILURE")
    assert "lacks handle_output" in failure.message


def test_binding_an_io_manager_class_instead_of_an_instance_fails_at_definition() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"bind an instance"):

        @job(resource_defs={"io_manager": RecordingIOManager})
        def misbound():
            emit()


def test_failing_handle_output_is_retried_with_the_step() -> None:
    attempts = []

    class Flaky(RecordingIOManager):
        def handle_output(self, context: Any, obj: Any) -> None:
            attempts.append(1)
            if len(attempts) == 1:
                raise OSError("busy")
            super().handle_output(context, obj)

    @op(retry_policy=RetryPolicy(max_retries=1))
    def retried() -> int:
        return 1

    manager = Flaky()

    @job(resource_defs={"io_manager": manager})
    def flaky():
        retried()

    assert flaky.execute_in_process().success
    assert manager.stored == {("retried", "result"): 1}


def test_persistent_instance_defaults_to_files_for_unbound_io_manager() -> None:
    class PersistentInstance(Instance):
        @property
        def is_ephemeral(self) -> bool:
            return False

    instance = PersistentInstance.ephemeral()

    @job
    def plain():
        add_one(emit())

    result = plain.execute_in_process(instance=instance)
    assert result.output_for_node("add_one") == 2
    stored = Path(instance.storage_directory()) / result.run_id / "emit" / "result"
    assert pickle.loads(stored.read_bytes()) == 1
