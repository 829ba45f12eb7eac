"""Jobs remember where they were made (JobDefinition.defined_in), so pointers can find them."""

from __future__ import annotations

from dagwright import JobDefinition, graph, job, op


@op
def emit() -> int:
    return 1


@graph
def emitting() -> None:
    emit()


@job
def module_level_job() -> None:
    emit()


graph_job = emitting.to_job(name="graph_job")


def test_a_decorated_job_records_the_module_of_its_function() -> None:
    assert module_level_job.defined_in == (__name__, "<module>")


def test_a_job_made_from_a_graph_records_the_module_that_called_to_job() -> None:
    assert graph_job.defined_in == (__name__, "<module>")


def test_a_job_made_inside_a_function_records_that_function() -> None:
    def make() -> JobDefinition:
        return emitting.to_job(name="made")

    assert make().defined_in == (
        __name__,
        "test_a_job_made_inside_a_function_records_that_function.<locals>.make",
    )


def test_a_decorated_job_inside_a_function_records_that_function() -> None:
    @job
    def inner() -> None:
        emit()

    assert inner.defined_in == (
        __name__,
        "test_a_decorated_job_inside_a_function_records_that_function",
    )


def test_a_subset_keeps_where_its_job_was_made() -> None:
    assert module_level_job.get_subset(op_selection=["emit"]).defined_in == (
        __name__,
        "<module>",
    )
