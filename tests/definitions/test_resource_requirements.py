"""A job's resources are checked when the job is defined: every required key is provided
and no resources require each other in a cycle."""

from __future__ import annotations

import pytest

from dagwright import Definitions, InvalidDefinitionError, graph, job, op, resource
from dagwright.errors import MissingResourceError, ResourceCycleError


def _needing(*keys: str):
    @resource(required_resource_keys=set(keys))
    def needs(init_context):
        return "value"

    return needs


@op(required_resource_keys={"a"})
def uses_a(context):
    return context.resources.a


@op
def uses_nothing():
    return 1


# --------------------------------------------------------------------------
# Cycles


def test_resources_requiring_each_other_are_rejected_when_the_job_is_defined() -> None:
    with pytest.raises(ResourceCycleError) as caught:

        @job(resource_defs={"a": _needing("b"), "b": _needing("a")})
        def cyclic():
            uses_a()

    assert caught.value.cycle == ("a", "b", "a")
    assert caught.value.where == "job 'cyclic'"


def test_a_resource_cycle_error_names_the_cycle_and_the_fix() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:

        @job(resource_defs={"a": _needing("b"), "b": _needing("a")})
        def cyclic():
            uses_a()

    assert str(caught.value) == (
        "job 'cyclic': its resources require each other in a cycle: 'a' -> 'b' -> 'a'.\n"
        "  Fix: remove 'b' from the required_resource_keys of resource 'a' (or break the "
        "cycle at another resource); a resource can only use resources built before it."
    )


def test_a_resource_requiring_itself_is_rejected_when_the_job_is_defined() -> None:
    with pytest.raises(ResourceCycleError) as caught:

        @job(resource_defs={"a": _needing("a")})
        def self_needing():
            uses_a()

    assert caught.value.cycle == ("a", "a")
    assert "resource 'a' cannot require itself" in str(caught.value)


def test_a_longer_cycle_is_named_in_the_order_resources_require_each_other() -> None:
    with pytest.raises(ResourceCycleError) as caught:

        @job(resource_defs={"a": _needing("b"), "b": _needing("c"), "c": _needing("a")})
        def cyclic():
            uses_a()

    assert caught.value.cycle == ("a", "b", "c", "a")


def test_a_cycle_among_resources_no_op_needs_is_rejected_too() -> None:
    with pytest.raises(ResourceCycleError) as caught:

        @job(resource_defs={"x": _needing("y"), "y": _needing("x")})
        def unused_cycle():
            uses_nothing()

    assert caught.value.cycle == ("x", "y", "x")


def test_resources_sharing_a_dependency_are_not_a_cycle() -> None:
    @job(
        resource_defs={
            "a": _needing("b", "c"),
            "b": _needing("d"),
            "c": _needing("d"),
            "d": _needing(),
        }
    )
    def diamond():
        uses_a()

    assert diamond.execute_in_process().success


def test_to_job_rejects_a_resource_cycle() -> None:
    @graph
    def uses_a_graph():
        uses_a()

    with pytest.raises(ResourceCycleError):
        uses_a_graph.to_job(resource_defs={"a": _needing("b"), "b": _needing("a")})


def test_resources_given_at_launch_that_close_a_cycle_are_rejected_before_the_run() -> None:
    @job(resource_defs={"a": _needing("b"), "b": _needing()})
    def fine():
        uses_a()

    with pytest.raises(ResourceCycleError):
        fine.execute_in_process(resources={"b": _needing("a")})


# --------------------------------------------------------------------------
# Missing keys


def test_an_op_requiring_a_key_the_job_lacks_is_rejected_naming_the_op_and_key() -> None:
    with pytest.raises(MissingResourceError) as caught:

        @job(resource_defs={"b": 1})
        def lacking():
            uses_a()

    assert caught.value.required_by == "op 'uses_a'"
    assert caught.value.key == "a"
    assert str(caught.value).startswith(
        "job 'lacking': op 'uses_a' requires resource 'a', which the job does not provide."
    )


def test_the_missing_key_error_lists_the_keys_the_job_has() -> None:
    with pytest.raises(MissingResourceError) as caught:

        @job(resource_defs={"b": 1, "c": 2})
        def lacking():
            uses_a()

    assert caught.value.known == ("b", "c")
    assert "Fix: pass resource_defs={'a': ...} to @job or to_job() (the job has: 'b', 'c')." in (
        str(caught.value)
    )


def test_the_missing_key_error_suggests_a_close_key() -> None:
    @op(required_resource_keys={"database"})
    def query(context):
        return 1

    with pytest.raises(MissingResourceError) as caught:

        @job(resource_defs={"databse": 1})
        def misspelt():
            query()

    assert "Did you mean 'databse'?" in str(caught.value)


def test_a_resource_requiring_a_key_no_definition_provides_names_the_resource_and_key() -> None:
    with pytest.raises(MissingResourceError) as caught:

        @job(resource_defs={"a": _needing("credentials")})
        def lacking():
            uses_a()

    assert caught.value.required_by == "resource 'a'"
    assert caught.value.key == "credentials"
    assert str(caught.value).startswith(
        "job 'lacking': resource 'a' requires resource 'credentials', which the job does not "
        "provide."
    )


def test_a_nested_op_requiring_a_missing_key_is_named_by_its_full_handle() -> None:
    @graph
    def inner():
        uses_a()

    with pytest.raises(MissingResourceError) as caught:

        @job(resource_defs={"b": 1})
        def outer():
            inner()

    assert caught.value.required_by == "op 'inner.uses_a'"


# --------------------------------------------------------------------------
# A job that binds no resources gets them later (Definitions, or at launch)


def test_a_job_binding_no_resources_is_defined_and_bound_by_definitions() -> None:
    @job
    def later():
        uses_a()

    defs = Definitions(jobs=[later], resources={"a": 1})

    assert defs.get_job_def("later").execute_in_process().success


def test_a_job_binding_no_resources_can_get_them_at_launch() -> None:
    @job
    def later():
        uses_a()

    assert later.execute_in_process(resources={"a": 1}).success


def test_running_a_job_whose_resources_were_never_bound_names_the_op_key_and_the_fix() -> None:
    @job
    def later():
        uses_a()

    with pytest.raises(MissingResourceError) as caught:
        later.execute_in_process()

    assert caught.value.required_by == "op 'uses_a'"
    assert "Definitions(jobs=[...], resources={'a': ...})" in str(caught.value)


def test_a_key_still_missing_after_definitions_binds_others_gets_the_late_binding_fix() -> None:
    @op(required_resource_keys={"a", "b"})
    def uses_both(context):
        return 1

    @job
    def later():
        uses_both()

    with pytest.raises(MissingResourceError) as caught:
        Definitions(jobs=[later], resources={"a": 1})

    assert caught.value.key == "b"
    assert "Definitions(jobs=[...], resources={'b': ...})" in str(caught.value)
