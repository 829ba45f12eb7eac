"""Compute logs: each step's stdout and stderr captured to files, teed, and read back by offset."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import dagwright
from dagwright.errors import InvalidInvocationError
from dagwright.records import LogsCapturedData
from dagwright.storage.compute_logs import LocalComputeLogManager, LogChunk, safe_file_name


@pytest.fixture
def manager(tmp_path: Path) -> LocalComputeLogManager:
    return LocalComputeLogManager(str(tmp_path / "logs"))


def _text(manager: LocalComputeLogManager, step_key: str, stream: str = "stdout") -> str:
    return manager.read("run-1", step_key, stream).data  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Capturing


def test_print_inside_a_capture_goes_to_the_steps_stdout_file(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"):
        print("hello")

    assert manager.paths("run-1", "step")[0].read_text() == "hello\n"


def test_print_inside_a_capture_still_reaches_the_original_stdout(
    manager: LocalComputeLogManager, capsys: pytest.CaptureFixture[str]
) -> None:
    with manager.capture("run-1", "step"):
        print("hello")

    assert capsys.readouterr().out == "hello\n"


def test_stderr_goes_to_its_own_file(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        print("out")
        print("err", file=sys.stderr)

    assert _text(manager, "step", "stdout") == "out\n"
    assert _text(manager, "step", "stderr") == "err\n"


def test_stderr_still_reaches_the_original_stderr(
    manager: LocalComputeLogManager, capsys: pytest.CaptureFixture[str]
) -> None:
    with manager.capture("run-1", "step"):
        print("err", file=sys.stderr)

    assert capsys.readouterr().err == "err\n"


def test_capture_gives_the_logs_captured_event_data(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "graph.op[k]") as data:
        pass

    stdout, stderr = manager.paths("run-1", "graph.op[k]")
    assert data == LogsCapturedData(
        file_key=safe_file_name("graph.op[k]"),
        step_keys=["graph.op[k]"],
        stdout_path=str(stdout),
        stderr_path=str(stderr),
    )


def test_files_live_in_a_folder_per_run(manager: LocalComputeLogManager) -> None:
    stdout, stderr = manager.paths("run-1", "step")

    assert (stdout, stderr) == (
        Path(manager.base_dir, "run-1", "step.out"),
        Path(manager.base_dir, "run-1", "step.err"),
    )


def test_a_step_that_writes_nothing_leaves_no_files(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        pass

    assert not any(path.exists() for path in manager.paths("run-1", "step"))


def test_writes_after_the_capture_are_not_captured(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        print("inside")
    print("outside")

    assert _text(manager, "step") == "inside\n"


def test_sequential_captures_write_to_each_steps_own_file(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "a"):
        print("from a")
    with manager.capture("run-1", "b"):
        print("from b")

    assert (_text(manager, "a"), _text(manager, "b")) == ("from a\n", "from b\n")


def test_a_nested_capture_takes_the_writes_until_it_ends(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "outer"):
        print("outer 1")
        with manager.capture("run-1", "inner"):
            print("inner")
        print("outer 2")

    assert _text(manager, "outer") == "outer 1\nouter 2\n"
    assert _text(manager, "inner") == "inner\n"


def test_capturing_a_step_again_appends_to_its_files(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        print("attempt 1")
    with manager.capture("run-1", "step"):
        print("attempt 2")

    assert _text(manager, "step") == "attempt 1\nattempt 2\n"


def test_a_logging_handler_made_inside_the_capture_is_captured(
    manager: LocalComputeLogManager,
) -> None:
    logger = logging.getLogger("test_compute_logs.handler")
    logger.propagate = False
    with manager.capture("run-1", "step"):
        handler = logging.StreamHandler()  # binds sys.stderr now
        logger.addHandler(handler)
        try:
            logger.warning("careful")
        finally:
            logger.removeHandler(handler)

    assert _text(manager, "step", "stderr") == "careful\n"


def test_text_that_is_not_utf8_encodable_is_written_escaped(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"):
        print("bad \udcff end")

    assert _text(manager, "step") == "bad \\udcff end\n"


def test_entering_one_capture_twice_is_an_error(manager: LocalComputeLogManager) -> None:
    capture = manager.capture("run-1", "step")
    with capture, pytest.raises(InvalidInvocationError, match="entered twice"), capture:
        pass


# --------------------------------------------------------------------------
# The standard streams


def test_streams_are_restored_after_the_capture(manager: LocalComputeLogManager) -> None:
    before = (sys.stdout, sys.stderr)
    with manager.capture("run-1", "step"):
        assert (sys.stdout, sys.stderr) != before

    assert (sys.stdout, sys.stderr) == before


def test_streams_are_restored_when_the_step_raises(manager: LocalComputeLogManager) -> None:
    before = (sys.stdout, sys.stderr)
    with pytest.raises(RuntimeError, match="boom"), manager.capture("run-1", "step"):
        raise RuntimeError("boom")

    assert (sys.stdout, sys.stderr) == before


def test_output_before_an_exception_is_kept(manager: LocalComputeLogManager) -> None:
    def fail_in_capture() -> None:
        with manager.capture("run-1", "step"):
            print("almost")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_in_capture()

    assert _text(manager, "step") == "almost\n"


def test_streams_are_restored_only_when_the_last_capture_ends(
    manager: LocalComputeLogManager,
) -> None:
    before = sys.stdout
    with manager.capture("run-1", "outer"):
        with manager.capture("run-1", "inner"):
            pass
        still_replaced = sys.stdout is not before

    assert still_replaced


def test_the_proxy_answers_for_the_original_stream(
    manager: LocalComputeLogManager,
) -> None:
    original = sys.stdout
    with manager.capture("run-1", "step"):
        proxy = sys.stdout

    assert proxy.encoding == original.encoding
    assert proxy.isatty() == original.isatty()


def test_writing_bytes_through_the_proxy_is_a_type_error(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"), pytest.raises(TypeError, match="must be str"):
        sys.stdout.write(b"raw")  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Threads and tasks


def test_two_threads_capturing_at_once_keep_their_lines_apart(
    manager: LocalComputeLogManager,
) -> None:
    turns = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def step(name: str) -> None:
        try:
            with manager.capture("run-1", name):
                for i in range(3):
                    turns.wait()  # both threads are inside their capture for every line
                    print(f"{name} {i}")
        except BaseException as error:
            errors.append(error)
            turns.abort()

    threads = [threading.Thread(target=step, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert _text(manager, "a") == "a 0\na 1\na 2\n"
    assert _text(manager, "b") == "b 0\nb 1\nb 2\n"


def test_a_thread_started_by_a_step_is_not_captured(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        thread = threading.Thread(target=print, args=("from thread",))
        thread.start()
        thread.join()

    assert _text(manager, "step") == ""


def test_a_thread_run_in_a_copy_of_the_steps_context_is_captured(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"):
        context = contextvars.copy_context()
        thread = threading.Thread(target=context.run, args=(print, "from thread"))
        thread.start()
        thread.join()

    assert _text(manager, "step") == "from thread\n"


def test_writes_in_a_steps_context_after_it_ended_are_dropped(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"):
        context = contextvars.copy_context()

    with manager.capture("run-1", "other"):  # the streams are routed again meanwhile
        context.run(print, "too late")

    assert (_text(manager, "step"), _text(manager, "other")) == ("", "")


def test_two_asyncio_tasks_capturing_at_once_keep_their_lines_apart(
    manager: LocalComputeLogManager,
) -> None:
    async def step(name: str) -> None:
        with manager.capture("run-1", name):
            for i in range(3):
                print(f"{name} {i}")
                await asyncio.sleep(0)  # let the other task write in between

    async def both() -> None:
        await asyncio.gather(step("a"), step("b"))

    asyncio.run(both())

    assert _text(manager, "a") == "a 0\na 1\na 2\n"
    assert _text(manager, "b") == "b 0\nb 1\nb 2\n"


# --------------------------------------------------------------------------
# Reading


def test_reading_a_log_never_written_gives_an_empty_chunk(
    manager: LocalComputeLogManager,
) -> None:
    assert manager.read("no-run", "no-step", "stderr", offset=7) == LogChunk("", 7)


def test_tailing_reads_from_the_previous_chunks_next_offset(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"):
        print("first")
        chunk = manager.read("run-1", "step")
        print("second")
        more = manager.read("run-1", "step", offset=chunk.next_offset)

    assert (chunk.data, more.data) == ("first\n", "second\n")
    assert more.next_offset == len(b"first\nsecond\n")


def test_reading_at_the_end_gives_nothing_new(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        print("line")
    end = manager.read("run-1", "step").next_offset

    assert manager.read("run-1", "step", offset=end) == LogChunk("", end)


def test_max_bytes_limits_a_chunk_and_says_more_is_there(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"):
        print("abcdef")

    chunk = manager.read("run-1", "step", max_bytes=4)

    assert chunk == LogChunk("abcd", 4, has_more=True)


def test_a_chunk_never_splits_a_character(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        print("aé", end="")  # "é" is two bytes

    first = manager.read("run-1", "step", max_bytes=2)
    rest = manager.read("run-1", "step", offset=first.next_offset)

    assert (first.data, first.next_offset, rest.data) == ("a", 1, "é")


def test_a_character_longer_than_max_bytes_comes_whole(
    manager: LocalComputeLogManager,
) -> None:
    with manager.capture("run-1", "step"):
        print("€!", end="")  # "€" is three bytes

    assert manager.read("run-1", "step", max_bytes=1) == LogChunk("€", 3, has_more=True)


def test_reading_an_unknown_stream_is_an_error(manager: LocalComputeLogManager) -> None:
    with pytest.raises(InvalidInvocationError, match="'stdout' or 'stderr'"):
        manager.read("run-1", "step", "stdin")  # type: ignore[arg-type]


def test_reading_from_a_negative_offset_is_an_error(manager: LocalComputeLogManager) -> None:
    with pytest.raises(InvalidInvocationError, match="offset -1"):
        manager.read("run-1", "step", offset=-1)


def test_another_process_reads_what_was_written_while_the_capture_is_open(
    manager: LocalComputeLogManager,
) -> None:
    src = str(Path(dagwright.__file__).parents[1])
    reader = (
        "import sys\n"
        "from dagwright.storage.compute_logs import LocalComputeLogManager\n"
        "chunk = LocalComputeLogManager(sys.argv[1]).read('run-1', 'op[1]')\n"
        "sys.stdout.write(chunk.data)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    with manager.capture("run-1", "op[1]"):
        print("visible already")
        seen = subprocess.run(
            [sys.executable, "-c", reader, manager.base_dir],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout

    assert seen == "visible already\n"


# --------------------------------------------------------------------------
# File names and deleting


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("graph.op", "graph.op"),
        ("op_2-x", "op_2-x"),
        ("op[key-1]", "op%5Bkey-1%5D"),
        ("a/b", "a%2Fb"),
        ("100%", "100%25"),
        ("é", "%C3%A9"),
        ("", "%"),
        (".", "%2E"),
        ("..", "%2E%2E"),
        ("..a", "..a"),
    ],
)
def test_step_keys_become_safe_file_names(key: str, name: str) -> None:
    assert safe_file_name(key) == name


def test_keys_that_look_escaped_keep_distinct_files() -> None:
    keys = ["op[1]", "op%5B1%5D", "op_5B1_5D", "op.1", "op/1", "op 1", ""]

    assert len({safe_file_name(key) for key in keys}) == len(keys)


def test_a_very_long_key_gets_a_short_unique_name() -> None:
    first, second = "x" * 300 + "a", "x" * 300 + "b"

    names = {safe_file_name(first), safe_file_name(second)}

    assert len(names) == 2
    assert all(len(name) <= 200 for name in names)


def test_odd_step_keys_capture_into_distinct_files(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "op[key-1]"):
        print("dynamic")
    with manager.capture("run-1", "graph.op"):
        print("nested")

    assert _text(manager, "op[key-1]") == "dynamic\n"
    assert _text(manager, "graph.op") == "nested\n"
    assert sorted(p.name for p in Path(manager.base_dir, "run-1").iterdir()) == [
        "graph.op.out",
        "op%5Bkey-1%5D.out",
    ]


def test_a_run_id_cannot_reach_outside_the_base_folder(
    manager: LocalComputeLogManager,
) -> None:
    stdout, _ = manager.paths("../escape", "step")

    assert stdout.resolve().parent.parent == Path(manager.base_dir).resolve()


@pytest.mark.parametrize("run_id", [".", ".."])
def test_a_run_id_of_dots_is_a_folder_of_its_own(
    manager: LocalComputeLogManager, run_id: str
) -> None:
    stdout, _ = manager.paths(run_id, "step")

    assert stdout.resolve().parent.parent == Path(manager.base_dir).resolve()


def test_delete_run_removes_its_logs(manager: LocalComputeLogManager) -> None:
    with manager.capture("run-1", "step"):
        print("gone soon")

    manager.delete_run("run-1")

    assert manager.read("run-1", "step") == LogChunk("", 0)
    assert not Path(manager.base_dir, "run-1").exists()


def test_delete_run_leaves_other_runs(manager: LocalComputeLogManager) -> None:
    for run_id in ("run-1", "run-2"):
        with manager.capture(run_id, "step"):
            print(run_id)

    manager.delete_run("run-1")

    assert manager.read("run-2", "step").data == "run-2\n"


def test_deleting_a_run_without_logs_does_nothing(manager: LocalComputeLogManager) -> None:
    manager.delete_run("never-ran")

    assert not Path(manager.base_dir, "never-ran").exists()
