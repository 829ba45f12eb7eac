"""Resources written as classes: config fields, launch-time config, lifecycle, nesting."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import PrivateAttr

from dagwright import (
    ConfigurableResource,
    ConfigurableResourceFactory,
    EnvVar,
    In,
    InvalidDefinitionError,
    InvalidInvocationError,
    ResourceDependency,
    ResourceParam,
    RunConfig,
    RunConfigError,
    build_op_context,
    job,
    op,
    resource,
)


class Warehouse(ConfigurableResource):
    url: str
    port: int = 5432

    def address(self) -> str:
        return f"{self.url}:{self.port}"


@op
def address(warehouse: Warehouse) -> str:
    return warehouse.address()


def run_address(resource_value: Any, run_config: Any = None) -> str:
    @job(resource_defs={"warehouse": resource_value})
    def address_job():
        address()

    return address_job.execute_in_process(run_config=run_config).output_for_node("address")


# --------------------------------------------------------------------------
# Binding and reaching a resource


def test_op_parameter_annotated_with_a_resource_class_receives_the_bound_instance() -> None:
    assert run_address(Warehouse(url="pg")) == "pg:5432"


def test_resource_parameter_is_not_an_input() -> None:
    assert [d.name for d in address.input_defs] == []


def test_resource_parameter_makes_its_key_required() -> None:
    assert address.required_resource_keys == {"warehouse"}


def test_resource_class_is_reachable_through_context_resources() -> None:
    @op(required_resource_keys={"warehouse"})
    def through_context(context) -> str:
        return context.resources.warehouse.address()

    @job(resource_defs={"warehouse": Warehouse(url="pg", port=1)})
    def context_job():
        through_context()

    assert context_job.execute_in_process().output_for_node("through_context") == "pg:1"


def test_job_without_the_resource_for_a_parameter_fails_when_it_runs() -> None:
    @job
    def missing_job():
        address()

    with pytest.raises(InvalidDefinitionError, match="requires resource 'warehouse'"):
        missing_job.execute_in_process()


# --------------------------------------------------------------------------
# Config


def test_values_given_to_the_instance_can_be_overridden_by_run_config() -> None:
    run_config = {"resources": {"warehouse": {"config": {"port": 6543}}}}
    assert run_address(Warehouse(url="pg"), run_config) == "pg:6543"


def test_configure_at_launch_takes_its_config_from_run_config() -> None:
    run_config = {"resources": {"warehouse": {"config": {"url": "launch"}}}}
    assert run_address(Warehouse.configure_at_launch(), run_config) == "launch:5432"


def test_configure_at_launch_accepts_run_config_objects() -> None:
    run_config = RunConfig(resources={"warehouse": Warehouse(url="typed")})
    assert run_address(Warehouse.configure_at_launch(), run_config) == "typed:5432"


def test_configure_at_launch_without_config_names_the_missing_field() -> None:
    with pytest.raises(RunConfigError) as raised:
        run_address(Warehouse.configure_at_launch())
    assert [p.path for p in raised.value.problems] == ["resources.warehouse.config.url"]


def test_configure_at_launch_rejects_a_field_the_class_does_not_have() -> None:
    with pytest.raises(InvalidDefinitionError, match="unknown field 'adress'"):
        Warehouse.configure_at_launch(adress="x")


def test_wrong_type_in_run_config_for_a_resource_is_a_problem_with_its_path() -> None:
    with pytest.raises(RunConfigError) as raised:
        run_address(Warehouse(url="pg"), {"resources": {"warehouse": {"config": {"port": "x"}}}})
    assert [p.path for p in raised.value.problems] == ["resources.warehouse.config.port"]


def test_env_var_field_is_read_when_the_run_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    resource_value = Warehouse(url=EnvVar("WAREHOUSE_URL"))
    monkeypatch.setenv("WAREHOUSE_URL", "from-env")
    assert run_address(resource_value) == "from-env:5432"


def test_unset_env_var_field_is_a_config_problem_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WAREHOUSE_URL", raising=False)
    with pytest.raises(RunConfigError, match="WAREHOUSE_URL") as raised:
        run_address(Warehouse(url=EnvVar("WAREHOUSE_URL")))
    assert raised.value.problems[0].path == "resources.warehouse.config.url"


def test_resource_config_shows_in_the_scaffold() -> None:
    @job(resource_defs={"warehouse": Warehouse.configure_at_launch()})
    def scaffold_job():
        address()

    assert "url:" in scaffold_job.scaffold_run_config()


# --------------------------------------------------------------------------
# Lifecycle


class Tracked(ConfigurableResource):
    name: str = "tracked"
    _events: list[str] = PrivateAttr(default_factory=list)

    def setup_for_execution(self, context: Any) -> None:
        LIFECYCLE.append(f"setup {self.name}")

    def teardown_after_execution(self, context: Any) -> None:
        LIFECYCLE.append(f"teardown {self.name}")


LIFECYCLE: list[str] = []


@pytest.fixture(autouse=True)
def _clear_lifecycle() -> None:
    LIFECYCLE.clear()


def test_setup_runs_before_the_op_and_teardown_after() -> None:
    @op
    def uses(tracked: Tracked) -> None:
        LIFECYCLE.append("op")

    @job(resource_defs={"tracked": Tracked()})
    def lifecycle_job():
        uses()

    lifecycle_job.execute_in_process()
    assert LIFECYCLE == ["setup tracked", "op", "teardown tracked"]


def test_teardown_runs_when_an_op_fails() -> None:
    @op
    def fails(tracked: Tracked) -> None:
        raise RuntimeError("boom")

    @job(resource_defs={"tracked": Tracked()})
    def failing_job():
        fails()

    failing_job.execute_in_process(raise_on_error=False)
    assert LIFECYCLE == ["setup tracked", "teardown tracked"]


def test_setup_may_set_private_state_ops_then_read() -> None:
    class Client(ConfigurableResource):
        token: str
        _session: str = PrivateAttr(default="")

        def setup_for_execution(self, context: Any) -> None:
            self._session = f"session for {self.token}"

    @op
    def session(client: Client) -> str:
        return client._session

    @job(resource_defs={"client": Client(token="t")})
    def session_job():
        session()

    assert session_job.execute_in_process().output_for_node("session") == "session for t"


def test_resource_is_set_up_once_per_run_for_many_ops() -> None:
    @op
    def first(tracked: Tracked) -> int:
        return 1

    @op
    def second(tracked: Tracked, x: int) -> int:
        return x

    @job(resource_defs={"tracked": Tracked()})
    def two_ops():
        second(first())

    two_ops.execute_in_process()
    assert LIFECYCLE == ["setup tracked", "teardown tracked"]


def test_failing_setup_fails_the_run_naming_the_resource() -> None:
    class Broken(ConfigurableResource):
        def setup_for_execution(self, context: Any) -> None:
            raise ConnectionError("cannot reach")

    @op
    def uses(broken: Broken) -> None:
        pass

    @job(resource_defs={"broken": Broken()})
    def broken_job():
        uses()

    result = broken_job.execute_in_process(raise_on_error=False)
    assert not result.success
    failure = [e for e in result.all_events if e.event_type_value == "RESOURCE_INIT_FAILURE"]
    assert "broken" in failure[0].message


# --------------------------------------------------------------------------
# Factories and ResourceParam


class Writer:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix


class WriterResource(ConfigurableResourceFactory[Writer]):
    prefix: str

    def create_resource(self, context: Any) -> Writer:
        return Writer(self.prefix)


def test_factory_hands_ops_what_create_resource_returns() -> None:
    @op
    def write(writer: ResourceParam[Writer]) -> str:
        return f"{type(writer).__name__}:{writer.prefix}"

    @job(resource_defs={"writer": WriterResource(prefix="a")})
    def writer_job():
        write()

    assert writer_job.execute_in_process().output_for_node("write") == "Writer:a"


def test_resource_param_receives_a_plain_resource() -> None:
    @resource
    def number(init_context: Any) -> int:
        return 7

    @op
    def double(n: ResourceParam[int]) -> int:
        return n * 2

    @job(resource_defs={"n": number})
    def double_job():
        double()

    assert double_job.execute_in_process().output_for_node("double") == 14


def test_factory_without_create_resource_fails_when_bound() -> None:
    class Incomplete(ConfigurableResourceFactory[int]):
        x: int = 1

    @op
    def uses(incomplete: ResourceParam[int]) -> None:
        pass

    with pytest.raises(InvalidDefinitionError, match="create_resource"):

        @job(resource_defs={"incomplete": Incomplete()})
        def incomplete_job():
            uses()


# --------------------------------------------------------------------------
# Nested resources


class Credentials(ConfigurableResource):
    user: str

    def setup_for_execution(self, context: Any) -> None:
        LIFECYCLE.append(f"setup credentials {self.user}")

    def teardown_after_execution(self, context: Any) -> None:
        LIFECYCLE.append("teardown credentials")


class Database(ConfigurableResource):
    url: str
    credentials: Credentials

    def setup_for_execution(self, context: Any) -> None:
        LIFECYCLE.append("setup database")

    def teardown_after_execution(self, context: Any) -> None:
        LIFECYCLE.append("teardown database")


@op
def who(database: Database) -> str:
    return f"{database.credentials.user}@{database.url}"


def test_nested_resource_is_reachable_from_its_parent() -> None:
    @job(resource_defs={"database": Database(url="pg", credentials=Credentials(user="ann"))})
    def nested_job():
        who()

    assert nested_job.execute_in_process().output_for_node("who") == "ann@pg"


def test_nested_resource_is_set_up_before_and_torn_down_after_its_parent() -> None:
    @job(resource_defs={"database": Database(url="pg", credentials=Credentials(user="ann"))})
    def nested_job():
        who()

    nested_job.execute_in_process()
    assert LIFECYCLE == [
        "setup credentials ann",
        "setup database",
        "teardown database",
        "teardown credentials",
    ]


def test_nested_resource_bound_at_top_level_is_shared_and_set_up_once() -> None:
    credentials = Credentials(user="ann")

    @op
    def user(credentials: Credentials) -> str:
        return credentials.user

    @job(
        resource_defs={
            "database": Database(url="pg", credentials=credentials),
            "credentials": credentials,
        }
    )
    def shared_job():
        who()
        user()

    shared_job.execute_in_process()
    assert LIFECYCLE.count("setup credentials ann") == 1


def test_nested_resource_bound_at_top_level_takes_its_launch_config() -> None:
    credentials = Credentials.configure_at_launch()

    @job(
        resource_defs={
            "database": Database.configure_at_launch(url="pg", credentials=credentials),
            "credentials": credentials,
        }
    )
    def launch_job():
        who()

    run_config = {"resources": {"credentials": {"config": {"user": "bob"}}}}
    assert launch_job.execute_in_process(run_config=run_config).output_for_node("who") == "bob@pg"


def test_nested_partial_resource_not_bound_at_top_level_fails_at_definition() -> None:
    with pytest.raises(InvalidDefinitionError, match="bind the same object at top level"):

        @job(
            resource_defs={
                "database": Database.configure_at_launch(
                    url="pg", credentials=Credentials.configure_at_launch()
                )
            }
        )
        def unreachable_job():
            who()


def test_nested_resource_of_the_wrong_class_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="declared as Credentials"):
        Database(url="pg", credentials=Warehouse(url="x"))


def test_nested_resource_is_not_part_of_the_parent_config() -> None:
    assert Database.config_fields() == ["url"]


def test_resource_dependency_field_holds_a_plain_resource() -> None:
    @resource
    def token(init_context: Any) -> str:
        return "tok"

    class Api(ConfigurableResource):
        token: ResourceDependency[str]

    @op
    def call(api: Api) -> str:
        return api.token

    @job(resource_defs={"api": Api(token=token), "token": token})
    def api_job():
        call()

    assert api_job.execute_in_process().output_for_node("call") == "tok"


# --------------------------------------------------------------------------
# Direct calls and test contexts


def test_direct_call_takes_the_resource_as_a_keyword() -> None:
    assert address(warehouse=Warehouse(url="direct")) == "direct:5432"


def test_direct_call_without_the_resource_says_how_to_give_it() -> None:
    with pytest.raises(InvalidInvocationError, match="warehouse=") as raised:
        address()
    assert "build_op_context(resources=" in str(raised.value)


def test_build_op_context_sets_up_a_resource_class() -> None:
    with build_op_context(resources={"tracked": Tracked(name="ctx")}) as context:
        assert LIFECYCLE == ["setup ctx"]
        assert context.resources.tracked.name == "ctx"
    assert LIFECYCLE == ["setup ctx", "teardown ctx"]


def test_build_op_context_reads_env_vars_of_a_resource_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WAREHOUSE_URL", "env-url")
    with build_op_context(resources={"warehouse": Warehouse(url=EnvVar("WAREHOUSE_URL"))}) as c:
        assert address(c) == "env-url:5432"


def test_build_op_context_resources_config_is_shaped_like_run_config() -> None:
    context = build_op_context(
        resources={"warehouse": Warehouse.configure_at_launch()},
        resources_config={"warehouse": {"config": {"url": "cfg"}}},
    )
    assert address(context) == "cfg:5432"


def test_build_op_context_with_bad_resources_config_lists_the_problems() -> None:
    with pytest.raises(RunConfigError, match=r"warehouse\.config\.url"):
        build_op_context(resources={"warehouse": Warehouse.configure_at_launch()})


def test_resource_instances_are_immutable() -> None:
    warehouse = Warehouse(url="pg")
    with pytest.raises(Exception, match="frozen"):
        warehouse.url = "other"  # type: ignore[misc]


def test_nested_factory_resource_hands_its_parent_what_it_creates() -> None:
    class Outer(ConfigurableResource):
        writer: WriterResource

    @op
    def prefix(outer: Outer) -> str:
        return f"{type(outer.writer).__name__}:{outer.writer.prefix}"

    @job(resource_defs={"outer": Outer(writer=WriterResource(prefix="w"))})
    def factory_nested():
        prefix()

    assert factory_nested.execute_in_process().output_for_node("prefix") == "Writer:w"


def test_binding_a_resource_class_instead_of_an_instance_fails_at_definition() -> None:
    with pytest.raises(InvalidDefinitionError, match=r"bind an instance: \{'warehouse'"):

        @job(resource_defs={"warehouse": Warehouse})
        def misbound():
            address()


def test_ins_naming_a_resource_parameter_says_it_is_a_resource() -> None:
    with pytest.raises(InvalidDefinitionError, match="annotated as a resource"):

        @op(ins={"warehouse": In()})
        def confused(warehouse: Warehouse) -> None:
            pass
