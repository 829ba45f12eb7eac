"""Job pointers: a job another process can rebuild (CodePointer, ReconstructableJob,
reconstructable, build_reconstructable_job), and the clear errors when it cannot."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
import types
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    CodePointer,
    Instance,
    InvalidSubsetError,
    JobPointerError,
    ReconstructableJob,
    build_reconstructable_job,
    execute_job,
    graph,
    job,
    op,
    reconstructable,
)

# The user code the tests point at: a module of a package written into tmp_path.
JOBS_MODULE = textwrap.dedent(
    '''
    from dagwright import graph, job, op

    VERSION = 3

    @op
    def one():
        return 1

    @op
    def add_one(x):
        return x + 1

    @op
    def double(x):
        return x * 2

    @job
    def count_up():
        double(add_one(one()))

    @graph
    def pipeline():
        add_one(one())

    pipeline_job = pipeline.to_job(name="nightly")

    def make_job(name, factor=2):
        @op
        def scaled():
            return factor

        @job(name=name)
        def made():
            add_one(scaled())

        return made

    def default_job():
        return make_job("default_made")

    class Repository:
        """Stands for a Definitions object: it hands out jobs by name."""

        def __init__(self, *jobs):
            self._jobs = {j.name: j for j in jobs}

        @property
        def job_names(self):
            return list(self._jobs)

        def get_job(self, name):
            return self._jobs[name]

    defs = Repository(count_up, pipeline_job)
    '''
)


@pytest.fixture(autouse=True)
def _restore_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading pointers puts folders on sys.path; each test gets the path back as it was."""
    monkeypatch.setattr(sys, "path", list(sys.path))


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of a fresh importable package (on sys.path) whose module ``jobs`` is JOBS_MODULE."""
    name = f"pointer_pkg_{uuid.uuid4().hex[:8]}"
    write_package(tmp_path, name, JOBS_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def write_package(folder: Path, name: str, jobs_source: str) -> Path:
    (folder / name).mkdir()
    (folder / name / "__init__.py").write_text("")
    path = folder / name / "jobs.py"
    path.write_text(jobs_source)
    return path


def jobs_of(package: str) -> Any:
    __import__(f"{package}.jobs")
    return sys.modules[f"{package}.jobs"]


def run_in_another_process(pickled: Path, code: str) -> str:
    """Unpickle ``pickled`` (a ReconstructableJob) as ``rebuilt`` in a new Python; run ``code``."""
    script = f"import pickle, sys\nrebuilt = pickle.loads(open(sys.argv[1], 'rb').read())\n{code}"
    done = subprocess.run(
        [sys.executable, "-c", script, str(pickled)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def error_of(call: Any) -> JobPointerError:
    with pytest.raises(JobPointerError) as raised:
        call()
    return raised.value


# --------------------------------------------------------------------------
# Pointing at a job and rebuilding it


def test_reconstructable_points_at_the_module_and_the_name_that_hold_the_job(
    package: str, tmp_path: Path
) -> None:
    rebuilt = reconstructable(jobs_of(package).count_up)

    assert rebuilt.pointer == CodePointer(
        module=f"{package}.jobs",
        attribute="count_up",
        job_name="count_up",
        working_directory=str(tmp_path),
    )
    assert rebuilt.job_name == "count_up"


def test_a_job_held_by_a_name_other_than_its_own_is_found_by_that_name(package: str) -> None:
    rebuilt = reconstructable(jobs_of(package).pipeline_job)

    assert rebuilt.pointer.attribute == "pipeline_job"
    assert rebuilt.job_name == "nightly"


def test_a_module_pointer_rebuilds_the_job_the_module_holds(package: str) -> None:
    pointer = CodePointer(module=f"{package}.jobs", attribute="count_up")

    assert pointer.get_definition() is jobs_of(package).count_up


def test_a_python_file_pointer_rebuilds_the_job_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "file_jobs.py"
    path.write_text(JOBS_MODULE)

    rebuilt = ReconstructableJob.for_file(str(path), "count_up").get_definition()

    assert rebuilt.name == "count_up"
    assert rebuilt.execute_in_process().output_for_node("double") == 4


def test_a_reconstructable_job_is_rebuilt_and_run_in_another_process(
    package: str, tmp_path: Path
) -> None:
    pickled = tmp_path / "job.pickle"
    pickled.write_bytes(pickle.dumps(reconstructable(jobs_of(package).count_up)))

    # The other process does not have tmp_path on its sys.path: the pointer brings it.
    output = run_in_another_process(
        pickled, "print(rebuilt.get_definition().execute_in_process().output_for_node('double'))"
    )

    assert output == "4"


def test_a_pickled_reconstructable_job_carries_the_pointer_and_not_the_job(
    package: str,
) -> None:
    data = pickle.dumps(reconstructable(jobs_of(package).count_up))

    assert b"dagwright.definitions" not in data  # no job, graph or op inside
    assert len(data) < 400


def test_the_op_selection_survives_pickling(package: str, tmp_path: Path) -> None:
    subset = reconstructable(jobs_of(package).count_up).subset_for_execution(["one", "add_one"])
    pickled = tmp_path / "subset.pickle"
    pickled.write_bytes(pickle.dumps(subset))

    output = run_in_another_process(
        pickled,
        "job = rebuilt.get_definition()\n"
        "print(rebuilt.op_selection, job.has_node_named('double'), "
        "job.execute_in_process().output_for_node('add_one'))",
    )

    assert output == "['one', 'add_one'] False 2"


def test_an_unknown_op_selection_fails_when_the_job_is_at_hand(package: str) -> None:
    rebuilt = reconstructable(jobs_of(package).count_up)

    with pytest.raises(InvalidSubsetError, match="triple"):
        rebuilt.subset_for_execution(["triple"])


def test_execute_job_runs_a_reconstructable_job(package: str) -> None:
    with execute_job(reconstructable(jobs_of(package).count_up), Instance.ephemeral()) as result:
        assert result.success
        assert result.output_for_node("double") == 4


def test_a_job_in_the_script_being_run_is_pointed_at_by_its_file(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        JOBS_MODULE
        + textwrap.dedent(
            """
            if __name__ == "__main__":
                import pickle, sys
                from dagwright import reconstructable
                with open(sys.argv[1], "wb") as out:
                    pickle.dump(reconstructable(count_up), out)
            """
        )
    )
    pickled = tmp_path / "job.pickle"
    subprocess.run([sys.executable, str(script), str(pickled)], check=True)

    rebuilt = pickle.loads(pickled.read_bytes())

    assert rebuilt.pointer.python_file == str(script)
    assert rebuilt.get_definition().execute_in_process().output_for_node("double") == 4


def test_a_pointer_round_trips_through_json() -> None:
    pointer = CodePointer(
        python_file="jobs.py", attribute="make_job", builder_args=("x",), builder_kwargs={"k": 1}
    )

    assert CodePointer.from_json(pointer.to_json()) == pointer


# --------------------------------------------------------------------------
# Repositories, builder functions, working directories


def test_a_repository_pointer_gives_the_job_named_by_job_name(package: str) -> None:
    pointer = CodePointer(module=f"{package}.jobs", attribute="defs", job_name="nightly")

    assert pointer.get_definition() is jobs_of(package).pipeline_job


def test_an_unknown_job_name_in_a_repository_suggests_its_jobs(package: str) -> None:
    pointer = CodePointer(module=f"{package}.jobs", attribute="defs", job_name="nightlly")

    error = error_of(pointer.get_definition)

    assert "has no job named 'nightlly'. Did you mean 'nightly'?" in error.problem
    assert "'count_up', 'nightly'" in error.fix


def test_a_repository_pointer_without_job_name_asks_for_one(package: str) -> None:
    error = error_of(CodePointer(module=f"{package}.jobs", attribute="defs").get_definition)

    assert "does not say which job" in error.problem
    assert "job_name=" in error.fix


def test_build_reconstructable_job_calls_the_builder_with_its_arguments(
    package: str, tmp_path: Path
) -> None:
    rebuilt = build_reconstructable_job(
        f"{package}.jobs", "make_job", ["tripled"], {"factor": 3}, str(tmp_path)
    )
    pickled = tmp_path / "built.pickle"
    pickled.write_bytes(pickle.dumps(rebuilt))

    output = run_in_another_process(
        pickled,
        "job = rebuilt.get_definition()\n"
        "print(job.name, job.execute_in_process().output_for_node('add_one'))",
    )

    assert output == "tripled 4"


def test_reconstructable_accepts_a_module_level_function_that_builds_a_job(package: str) -> None:
    rebuilt = reconstructable(jobs_of(package).default_job)

    assert rebuilt.pointer.attribute == "default_job"
    assert rebuilt.get_definition().name == "default_made"


def test_the_working_directory_is_put_on_sys_path_to_import_the_module(tmp_path: Path) -> None:
    name = f"pointer_wd_{uuid.uuid4().hex[:8]}"
    write_package(tmp_path, name, JOBS_MODULE)
    pointer = CodePointer(
        module=f"{name}.jobs", attribute="count_up", working_directory=str(tmp_path)
    )

    assert pointer.get_definition().name == "count_up"
    assert str(tmp_path) in sys.path


def test_a_file_is_executed_once_however_many_times_it_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "counted.py"
    path.write_text(
        "from pathlib import Path\n"
        "log = Path(__file__).with_suffix('.log')\n"
        "log.write_text(log.read_text() + 'x' if log.exists() else 'x')\n" + JOBS_MODULE
    )
    rebuilt = ReconstructableJob.for_file(str(path), "count_up")

    first = rebuilt.get_definition()
    again = pickle.loads(pickle.dumps(rebuilt)).get_definition()
    other = CodePointer(python_file=str(path), attribute="pipeline_job").get_definition()

    assert (tmp_path / "counted.log").read_text() == "x"
    assert again is first
    assert other.name == "nightly"


def test_a_file_changed_on_disk_is_executed_again(tmp_path: Path) -> None:
    path = tmp_path / "changing.py"
    path.write_text(JOBS_MODULE)
    before = CodePointer(python_file=str(path), attribute="count_up").get_definition()
    path.write_text(JOBS_MODULE + "\ncount_up = pipeline.to_job(name='count_up')\n")

    after = CodePointer(python_file=str(path), attribute="count_up").get_definition()

    assert after is not before
    assert not after.has_node_named("double")


# --------------------------------------------------------------------------
# Jobs that cannot be rebuilt elsewhere


@op
def emit() -> int:
    return 1


@graph
def emitting() -> None:
    emit()


def test_a_job_made_inside_a_function_cannot_be_reconstructed() -> None:
    def make_inner_job() -> Any:
        @job
        def inner() -> None:
            emit()

        return inner

    error = error_of(lambda: reconstructable(make_inner_job()))

    assert error.pointer == "job 'inner'"
    assert "it was made inside" in error.problem
    assert "make_inner_job' (module " in error.problem
    assert "define the job at module level in a .py file" in error.fix
    assert "CodePointer(python_file=..., attribute=...)" in error.fix


def test_a_job_made_by_to_job_inside_a_function_cannot_be_reconstructed() -> None:
    def make_job_from_graph() -> Any:
        return emitting.to_job(name="from_graph")

    error = error_of(lambda: reconstructable(make_job_from_graph()))

    assert "made inside" in error.problem
    assert "make_job_from_graph" in error.problem


@pytest.mark.parametrize("session", ["__main__", "<stdin>"])
def test_a_job_from_an_interactive_session_cannot_be_reconstructed(
    session: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace: dict[str, Any] = {"__name__": session}
    if session == "__main__":  # a notebook: __main__ without a file
        notebook = types.ModuleType("__main__")
        monkeypatch.setitem(sys.modules, "__main__", notebook)
        namespace = notebook.__dict__
    exec(
        "from dagwright import job, op\n"
        "@op\ndef cell_op():\n    return 1\n"
        "@job\ndef cell_job():\n    cell_op()\n",
        namespace,
    )

    error = error_of(lambda: reconstructable(namespace["cell_job"]))

    assert "interactive session" in error.problem
    assert "define the job at module level in a .py file" in error.fix


def test_a_subset_of_a_job_points_to_cutting_the_whole_job(package: str) -> None:
    subset = jobs_of(package).count_up.get_subset(op_selection=["one"])

    error = error_of(lambda: reconstructable(subset))

    assert "subset_for_execution(['one'])" in error.fix


def test_a_lambda_cannot_be_reconstructed() -> None:
    error = error_of(lambda: reconstructable(lambda: emitting.to_job()))

    assert "lambda" in error.problem


# --------------------------------------------------------------------------
# Pointers that do not lead to a job


def test_a_missing_attribute_suggests_the_jobs_of_the_module(package: str) -> None:
    error = error_of(CodePointer(module=f"{package}.jobs", attribute="count_upp").get_definition)

    assert error.pointer == f"attribute 'count_upp' of module '{package}.jobs'"
    assert "no attribute 'count_upp'. Did you mean 'count_up'?" in error.problem
    assert "'count_up', 'defs', 'pipeline_job'" in error.fix


def test_a_missing_attribute_named_like_a_job_points_to_the_attribute_holding_it(
    package: str,
) -> None:
    error = error_of(CodePointer(module=f"{package}.jobs", attribute="nightly").get_definition)

    assert "Job 'nightly' is held by attribute 'pipeline_job'" in error.problem


def test_a_graph_is_not_a_job_and_the_fix_says_to_call_to_job(package: str) -> None:
    error = error_of(CodePointer(module=f"{package}.jobs", attribute="pipeline").get_definition)

    assert "attribute 'pipeline' is a graph, not a job" in error.problem
    assert "pipeline.to_job(" in error.fix


def test_a_value_that_is_not_a_job_says_what_it_is(package: str) -> None:
    error = error_of(CodePointer(module=f"{package}.jobs", attribute="VERSION").get_definition)

    assert "attribute 'VERSION' is an int, not a job" in error.problem


def test_a_job_name_that_does_not_match_the_job_found_is_an_error(package: str) -> None:
    pointer = CodePointer(module=f"{package}.jobs", attribute="count_up", job_name="count_down")

    error = error_of(pointer.get_definition)

    assert "holds job 'count_up', not job 'count_down'" in error.problem


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.py"

    error = error_of(CodePointer(python_file=str(missing), attribute="count_up").get_definition)

    assert f"the file '{missing}' does not exist" in error.problem


def test_a_module_that_cannot_be_found_is_named() -> None:
    pointer = CodePointer(module="no_such_module_for_pointers", attribute="count_up")

    error = error_of(pointer.get_definition)

    assert "no module named 'no_such_module_for_pointers'" in error.problem
    assert "working_directory" in error.fix


def test_an_import_error_inside_the_module_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "broken_jobs.py"
    path.write_text("import module_that_is_not_installed_anywhere\n" + JOBS_MODULE)

    error = error_of(CodePointer(python_file=str(path), attribute="count_up").get_definition)

    assert (
        "raised ModuleNotFoundError: No module named 'module_that_is_not_installed_anywhere'"
        in error.problem
    )
    assert isinstance(error.__cause__, ModuleNotFoundError)


def test_a_pointer_names_exactly_one_of_python_file_and_module() -> None:
    error = error_of(lambda: CodePointer(python_file="jobs.py", module="jobs", attribute="a"))

    assert "names both of python_file and module" in error.problem
