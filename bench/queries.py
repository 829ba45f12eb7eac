"""Storage queries at scale: how fast a big instance answers what the UI and the CLI ask it.

Builds a store of ``--runs`` runs with 10 events each (100,000 runs and
1,000,000 events by default) through the instance API, on SQLite and on
PostgreSQL, then times ~200 calls of each query a run list page makes and
prints p50/p95 in a markdown table. Dagster's SQLite instance, filled the
same way at ``--dagster-runs`` runs (10,000 by default: its storage takes
one transaction per event), is measured beside it when Dagster is installed
by ``run.py`` (``--dagster-runs 0`` leaves it out).

The populated SQLite files are kept under ``bench/.cache/``, keyed by
dagwright's schema revision (and a fingerprint of its tables and indexes)
or Dagster's version, so reruns only query. The PostgreSQL database is a
throwaway one, created for the run and dropped after it.

    python bench/queries.py     # everything; the first time, filling takes ~1.5 min for
                                # SQLite, ~3 min for PostgreSQL (every time), ~25 min
                                # for Dagster's 10,000 runs
    python bench/queries.py --runs 2000 --backends sqlite --dagster-runs 0   # a quick look

Each store is measured in a fresh process (this script, ``--worker``), like
``run.py`` does with ``workloads.py``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

DATASET_VERSION = 1
"""Bump when the generated runs or events change, so cached stores are rebuilt."""

BUDGET_MS = 50.0
"""dagwright's budget: every query's p95 under this, on SQLite and PostgreSQL."""

SEED = 20261125
RUNS_PER_BATCH = 1000
WARMUP = 5
PAGE = 25

JOBS = ["ingest_orders", "refresh_customers", "daily_report", "train_model", "sync_inventory"]
TEAMS = [f"team_{i}" for i in range(10)]
ENVS = ["prod"] * 6 + ["staging"] * 3 + ["dev"]

# Each run's 10 event log entries: (event type, or LOG for a context.log line; step key).
_HEAD = [
    ("RUN_START", None),
    ("STEP_START", "extract"),
    ("STEP_OUTPUT", "extract"),
    ("HANDLED_OUTPUT", "extract"),
    ("STEP_SUCCESS", "extract"),
    ("STEP_START", "load"),
    ("LOADED_INPUT", "load"),
]
SCRIPTS: dict[str, list[tuple[str, str | None]]] = {
    "SUCCESS": [*_HEAD, ("STEP_OUTPUT", "load"), ("STEP_SUCCESS", "load"), ("RUN_SUCCESS", None)],
    "FAILURE": [*_HEAD, ("LOG", "load"), ("STEP_FAILURE", "load"), ("RUN_FAILURE", None)],
    "STARTED": [*_HEAD, ("LOG", "load"), ("LOG", "load"), ("LOG", "load")],  # still running
}
EVENTS_PER_RUN = 10
assert all(len(s) == EVENTS_PER_RUN for s in SCRIPTS.values())


class PlannedRun(NamedTuple):
    run_id: str
    job_name: str
    tags: dict[str, str]
    outcome: str  # SUCCESS, FAILURE or STARTED: the status its events leave it in
    start: float


def plan(runs: int) -> list[PlannedRun]:
    """The runs of the store, oldest first; the same for a given count on every machine."""
    rng = random.Random(SEED)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).timestamp()
    planned = []
    for _ in range(runs):
        draw = rng.random()
        outcome = "FAILURE" if draw < 0.10 else "STARTED" if draw < 0.12 else "SUCCESS"
        planned.append(
            PlannedRun(
                run_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                job_name=rng.choice(JOBS),
                tags={"team": rng.choice(TEAMS), "env": rng.choice(ENVS)},
                outcome=outcome,
                start=start,
            )
        )
        start += rng.uniform(10, 110)
    return planned


def _message(kind: str, step: str | None, job: str) -> str:
    if kind == "LOG":
        return "warehouse connection reset; retrying in 2 s"
    if step is None:
        return f'{kind.replace("_", " ").capitalize()} for "{job}".'
    return f'{kind.replace("_", " ").capitalize()} in step "{step}".'


_TRACEBACK = [
    '  File "/opt/pipelines/load.py", line 41, in load\n    warehouse.copy(rows)\n',
    '  File "/opt/pipelines/warehouse.py", line 88, in copy\n    self._send(batch)\n',
]


# --------------------------------------------------------------------------
# The two libraries: opening a store, filling it, and the names queries use.


class Side:
    """One library's instance API as the benchmark uses it."""

    name = ""
    lib: Any = None

    def status(self, name: str) -> Any:
        """The library's run status called ``name`` (SUCCESS, FAILURE, STARTED)."""
        raise NotImplementedError

    def open_sqlite(self, home: Path) -> Any:
        """The library's persistent SQLite instance in the folder ``home``."""
        raise NotImplementedError

    def populate(self, instance: Any, runs: list[PlannedRun]) -> dict[str, float]:
        """Record ``runs`` and their events; return ms per run added and us per event stored."""
        raise NotImplementedError


class DagwrightSide(Side):
    name = "dagwright"

    def __init__(self) -> None:
        import dagwright

        self.lib = dagwright

    def status(self, name: str) -> Any:
        return self.lib.RunStatus[name]

    def open_sqlite(self, home: Path) -> Any:
        return self.lib.Instance.from_home(home)

    def open_postgres(self, url: str, home: Path) -> Any:
        from dagwright.storage.settings import settings_from_mapping

        mapping = {"storage": {"postgres": {"url": url}}}
        return self.lib.Instance.from_settings(settings_from_mapping(str(home), mapping))

    def populate(self, instance: Any, runs: list[PlannedRun]) -> dict[str, float]:
        """``add_run`` per run, then ``store_events`` with each batch's 10,000 entries at once."""
        from dagwright.records import Run

        add_s = store_s = 0.0
        for first in range(0, len(runs), RUNS_PER_BATCH):
            batch = runs[first : first + RUNS_PER_BATCH]
            started = time.perf_counter()
            for r in batch:
                instance.add_run(Run(run_id=r.run_id, job_name=r.job_name, tags=r.tags))
            add_s += time.perf_counter() - started
            entries = [e for r in batch for e in self._entries(r)]
            started = time.perf_counter()
            instance.store_events(entries)
            store_s += time.perf_counter() - started
            _progress(first + len(batch), len(runs))
        return {"add_run_ms": add_s / len(runs) * 1000, "event_us": store_s / len(runs) * 1e5}

    def _entries(self, r: PlannedRun) -> list[Any]:
        from dagwright.records import Event, EventLogEntry

        entries = []
        for i, (kind, step) in enumerate(SCRIPTS[r.outcome]):
            message = _message(kind, step, r.job_name)
            event = None
            if kind != "LOG":
                event = Event(
                    event_type_value=kind,
                    job_name=r.job_name,
                    message=message,
                    step_key=step,
                    node_handle=step,
                    pid=4242,
                    event_specific_data=self._data(kind, step),
                )
            entries.append(
                EventLogEntry(
                    run_id=r.run_id,
                    timestamp=r.start + i * 0.5,
                    level=40 if kind.endswith("FAILURE") else 20 if kind == "LOG" else 10,
                    user_message=message,
                    job_name=r.job_name,
                    step_key=step,
                    event=event,
                )
            )
        return entries

    @staticmethod
    def _data(kind: str, step: str | None) -> Any:
        from dagwright import records as d

        if kind == "STEP_OUTPUT":
            return d.StepOutputData(output_name="result")
        if kind == "HANDLED_OUTPUT":
            return d.HandledOutputData(output_name="result", manager_key="io_manager")
        if kind == "LOADED_INPUT":
            return d.LoadedInputData(
                input_name="rows",
                manager_key="io_manager",
                upstream_step_key="extract",
                upstream_output_name="result",
            )
        if kind == "STEP_SUCCESS":
            return d.StepSuccessData(duration_ms=1234.5)
        if kind == "STEP_FAILURE":
            error = d.ErrorInfo(
                message="ConnectionError: warehouse closed the connection\n",
                cls_name="ConnectionError",
                stack=_TRACEBACK,
            )
            return d.StepFailureData(error=error)
        if kind == "RUN_FAILURE":
            return d.RunFailureData(reason="STEP_FAILURE", failed_steps=[step or "load"])
        return None


class DagsterSide(Side):
    name = "dagster"

    def __init__(self) -> None:
        import dagster

        self.lib = dagster

    def status(self, name: str) -> Any:
        return self.lib.DagsterRunStatus[name]

    def open_sqlite(self, home: Path) -> Any:
        overrides = {"telemetry": {"enabled": False}}
        return self.lib.DagsterInstance.local_temp(str(home), overrides=overrides)

    def populate(self, instance: Any, runs: list[PlannedRun]) -> dict[str, float]:
        """``add_run`` per run, then ``handle_new_event`` per entry (how a run records them)."""
        add_s = store_s = 0.0
        for done, r in enumerate(runs, 1):
            started = time.perf_counter()
            instance.add_run(self.lib.DagsterRun(job_name=r.job_name, run_id=r.run_id, tags=r.tags))
            add_s += time.perf_counter() - started
            entries = self._entries(r)
            started = time.perf_counter()
            for entry in entries:
                instance.handle_new_event(entry)
            store_s += time.perf_counter() - started
            if done % RUNS_PER_BATCH == 0 or done == len(runs):
                _progress(done, len(runs))
        return {"add_run_ms": add_s / len(runs) * 1000, "event_us": store_s / len(runs) * 1e5}

    def _entries(self, r: PlannedRun) -> list[Any]:
        from dagster._core.events import DagsterEvent, DagsterEventType

        entries = []
        for i, (kind, step) in enumerate(SCRIPTS[r.outcome]):
            message = _message(kind, step, r.job_name)
            event = None
            if kind != "LOG":
                event = DagsterEvent(
                    event_type_value=DagsterEventType[kind].value,
                    job_name=r.job_name,
                    step_key=step,
                    step_kind_value="COMPUTE" if step else None,
                    event_specific_data=self._data(kind, step),
                    message=message,
                    pid=4242,
                )
            entries.append(
                self.lib.EventLogEntry(
                    error_info=None,
                    level=40 if kind.endswith("FAILURE") else 20 if kind == "LOG" else 10,
                    user_message=message,
                    run_id=r.run_id,
                    timestamp=r.start + i * 0.5,
                    step_key=step,
                    job_name=r.job_name,
                    dagster_event=event,
                )
            )
        return entries

    @staticmethod
    def _data(kind: str, step: str | None) -> Any:
        from dagster._core.events import (
            HandledOutputData,
            JobFailureData,
            LoadedInputData,
            RunFailureReason,
            StepFailureData,
            StepOutputData,
            StepSuccessData,
        )
        from dagster._core.execution.plan.outputs import StepOutputHandle
        from dagster._utils.error import SerializableErrorInfo

        if kind == "STEP_OUTPUT":
            return StepOutputData(step_output_handle=StepOutputHandle(step or "", "result"))
        if kind == "HANDLED_OUTPUT":
            return HandledOutputData(output_name="result", manager_key="io_manager")
        if kind == "LOADED_INPUT":
            return LoadedInputData(
                input_name="rows",
                manager_key="io_manager",
                upstream_output_name="result",
                upstream_step_key="extract",
            )
        if kind == "STEP_SUCCESS":
            return StepSuccessData(duration_ms=1234.5)
        if kind == "STEP_FAILURE":
            error = SerializableErrorInfo(
                message="ConnectionError: warehouse closed the connection\n",
                stack=_TRACEBACK,
                cls_name="ConnectionError",
            )
            return StepFailureData(error=error, user_failure_data=None)
        if kind == "RUN_FAILURE":
            return JobFailureData(error=None, failure_reason=RunFailureReason.STEP_FAILURE)
        return None


def _progress(done: int, total: int) -> None:
    if done == total or done % (10 * RUNS_PER_BATCH) == 0:
        print(f"  {done:,} / {total:,} runs", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# The queries, written once against the API both libraries share.


def query_cases(
    side: Side, instance: Any, runs: list[PlannedRun], rng: random.Random
) -> dict[str, Callable[[], Callable[[], Any]]]:
    """Each query by name: a maker of one call (drawing its parameters), timed when called."""
    filters = side.lib.RunsFilter
    statuses = ["FAILURE", "STARTED", "SUCCESS"]
    deep = (len(runs) // 20, max(len(runs) // 2, len(runs) // 20 + 1))  # 50-95% down the list

    def page(**kwargs: Any) -> Callable[[], Any]:
        return lambda: instance.get_run_records(limit=PAGE, **kwargs)

    def count(f: Any) -> Callable[[], Any]:
        return lambda: instance.get_runs_count(f)

    def logs(run_id: str) -> Callable[[], Any]:
        return lambda: instance.all_logs(run_id)

    def by_status() -> Any:
        return filters(statuses=[side.status(rng.choice(statuses))])

    def by_team() -> Any:
        return filters(tags={"team": rng.choice(TEAMS)})

    return {
        "run list: newest 25": lambda: page(),
        "run list: status filter": lambda: page(filters=by_status()),
        "run list: tag filter": lambda: page(filters=by_team()),
        "run list: job filter": lambda: page(filters=filters(job_name=rng.choice(JOBS))),
        "run list: page 50-95% deep (cursor)": lambda: page(
            cursor=runs[rng.randrange(*deep)].run_id
        ),
        "runs count: status filter": lambda: count(by_status()),
        "runs count: tag filter": lambda: count(by_team()),
        "one run's logs (all_logs)": lambda: logs(rng.choice(runs).run_id),
    }


def time_queries(side: Side, instance: Any, runs: list[PlannedRun], count: int) -> dict[str, Any]:
    """p50/p95 milliseconds of ``count`` calls of each query (after a few untimed ones)."""
    rng = random.Random(SEED + 1)
    figures: dict[str, Any] = {}
    for name, make in query_cases(side, instance, runs, rng).items():
        calls = [make() for _ in range(WARMUP + count)]
        samples = []
        sizes = []
        for i, call in enumerate(calls):
            started = time.perf_counter()
            found = call()
            elapsed = time.perf_counter() - started
            if i >= WARMUP:
                samples.append(elapsed * 1000)
                sizes.append(found if isinstance(found, int) else len(found))
        samples.sort()
        figures[name] = {
            "p50_ms": statistics.median(samples),
            "p95_ms": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
            "median_rows": statistics.median(sizes),
        }
    return figures


def check_store(side: Side, instance: Any, runs: list[PlannedRun]) -> None:
    """Stop unless the store holds what was planned (so fast answers are right answers)."""
    problems = []
    total = instance.get_runs_count()
    if total != len(runs):
        problems.append(f"{total} runs instead of {len(runs)}")
    for outcome in SCRIPTS:
        want = sum(r.outcome == outcome for r in runs)
        got = instance.get_runs_count(side.lib.RunsFilter(statuses=[side.status(outcome)]))
        if got != want:
            problems.append(f"{got} {outcome} runs instead of {want}")
    logs = instance.all_logs(runs[len(runs) // 2].run_id)
    if len(logs) != EVENTS_PER_RUN:
        problems.append(f"a run has {len(logs)} log entries instead of {EVENTS_PER_RUN}")
    newest = instance.get_run_records(limit=1)
    if not newest or newest[0].dagster_run.run_id != runs[-1].run_id:
        problems.append("the newest run listed is not the last one added")
    if problems:
        raise SystemExit(f"{side.name} store is not as planned: " + "; ".join(problems))


# --------------------------------------------------------------------------
# Workers: one store, one fresh process.


def _schema_key() -> str:
    """dagwright's schema revision and a fingerprint of its tables and indexes."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import sqlite

    from dagwright.storage.sql.schema import SCHEMA_REVISION, metadata

    ddl = []
    for table in metadata.sorted_tables:
        ddl.append(str(sa.schema.CreateTable(table).compile(dialect=sqlite.dialect())))
        for index in sorted(table.indexes, key=lambda ix: ix.name or ""):
            ddl.append(str(sa.schema.CreateIndex(index).compile(dialect=sqlite.dialect())))
    digest = hashlib.sha256("\n".join(ddl).encode()).hexdigest()[:10]
    return f"schema{SCHEMA_REVISION}-{digest}"


def _cached_sqlite(side: Any, runs: list[PlannedRun], cache: Path, key: str) -> tuple[Any, dict]:
    """Open the cached store for ``key``, populating it (then keeping it) if there is none."""
    home = cache / key
    info_file = home / "populate.json"
    if info_file.exists():
        print(f"{side.name} SQLite: using the store cached in {home}", file=sys.stderr)
        return side.open_sqlite(home), {**json.loads(info_file.read_text()), "cached": True}
    partial = cache / f"{key}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"{side.name} SQLite: populating {len(runs):,} runs in {partial}", file=sys.stderr)
    instance = side.open_sqlite(partial)
    started = time.perf_counter()
    info = side.populate(instance, runs)
    info["total_s"] = time.perf_counter() - started
    info["built"] = datetime.date.today().isoformat()
    instance.dispose()
    (partial / "populate.json").write_text(json.dumps(info))
    partial.rename(home)
    return side.open_sqlite(home), {**info, "cached": False}


def worker(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Measure one store; PostgreSQL twice (just loaded, then vacuumed)."""
    side: Any = DagwrightSide() if args.worker == "dagwright" else DagsterSide()
    runs = plan(args.runs)
    result: dict[str, Any] = {
        "lib": side.name,
        "version": side.lib.__version__,
        "backend": args.backend,
        "state": None,
        "runs": args.runs,
        "events": args.runs * EVENTS_PER_RUN,
    }
    if args.backend == "postgres":
        return _postgres_worker(side, runs, args, result)
    if side.name == "dagwright":
        key = f"dagwright-{_schema_key()}-data{DATASET_VERSION}-{args.runs}runs"
    else:
        key = f"dagster-{side.lib.__version__}-data{DATASET_VERSION}-{args.runs}runs"
    instance, result["populate"] = _cached_sqlite(side, runs, Path(args.cache_dir), key)
    try:
        check_store(side, instance, runs)
        result["queries"] = time_queries(side, instance, runs, args.queries)
    finally:
        instance.dispose()
    return [result]


def _postgres_worker(
    side: Any, runs: list[PlannedRun], args: argparse.Namespace, result: dict[str, Any]
) -> list[dict[str, Any]]:
    """Populate a throwaway PostgreSQL database and query it twice; drop it at the end.

    First right after loading with fresh planner statistics (``ANALYZE``), then
    after ``VACUUM ANALYZE``, the state autovacuum keeps a database in (it also
    sets the visibility map that index-only scans rely on).
    """
    import psycopg
    import sqlalchemy as sa

    server = sa.make_url(args.postgres_url)
    name = f"dagwright_bench_{os.getpid()}"
    bench_url = server.set(database=name)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    direct = bench_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    measured = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
            url = bench_url.render_as_string(hide_password=False)
            instance = side.open_postgres(url, Path(home))
            try:
                print(
                    f"dagwright PostgreSQL: populating {len(runs):,} runs in database {name}",
                    file=sys.stderr,
                )
                started = time.perf_counter()
                info = side.populate(instance, runs)
                info["total_s"] = time.perf_counter() - started
                result["populate"] = {**info, "cached": False}
                check_store(side, instance, runs)
                for state, maintenance in (
                    ("just loaded", "ANALYZE"),
                    ("vacuumed", "VACUUM ANALYZE"),
                ):
                    with psycopg.connect(direct, autocommit=True) as c:
                        c.execute(maintenance)
                    queries = time_queries(side, instance, runs, args.queries)
                    measured.append({**result, "state": state, "queries": queries})
            finally:
                instance.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return measured


# --------------------------------------------------------------------------
# The driver.


def measure(
    python: Path | str, lib: str, backend: str, runs: int, args: Any
) -> list[dict[str, Any]]:
    out = subprocess.run(
        [
            str(python),
            str(Path(__file__).resolve()),
            "--worker",
            lib,
            "--backend",
            backend,
            "--runs",
            str(runs),
            "--queries",
            str(args.queries),
            "--cache-dir",
            str(args.cache_dir),
            "--postgres-url",
            args.postgres_url,
        ],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    results: list[dict[str, Any]] = json.loads(out.stdout.strip().splitlines()[-1])
    for result in results:
        worst = max(q["p95_ms"] for q in result["queries"].values())
        print(f"{_label(result)}: measured (slowest p95 {worst:.2f} ms)", file=sys.stderr)
    return results


def _label(r: dict[str, Any]) -> str:
    backend = "PostgreSQL" if r["backend"] == "postgres" else "SQLite"
    if r.get("state"):
        backend += f" ({r['state']})"
    lib = "dagwright" if r["lib"] == "dagwright" else "Dagster"
    return f"{lib} {r['version']}, {backend}, {r['runs']:,} runs"


def table(results: list[dict[str, Any]]) -> str:
    """Queries down, stores across: p50 / p95 ms, and whether dagwright's p95s meet the budget."""
    lines = [
        "| query (p50 / p95 ms) | " + " | ".join(_label(r) for r in results) + " | budget |",
        "| --- |" + " --- |" * (len(results) + 1),
    ]
    for name in results[0]["queries"]:
        cells = []
        worst = 0.0
        for r in results:
            q = r["queries"][name]
            cells.append(f"{q['p50_ms']:.2f} / {q['p95_ms']:.2f}")
            if r["lib"] == "dagwright":
                worst = max(worst, q["p95_ms"])
        verdict = f"p95 < {BUDGET_MS:.0f} ms {'met' if worst < BUDGET_MS else 'MISSED'}"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {verdict} |")
    return "\n".join(lines)


def populate_table(results: list[dict[str, Any]]) -> str:
    """How long filling each store took: per run added, per event stored, in all."""
    lines = [
        "| store | add_run | events stored | whole store | |",
        "| --- | --- | --- | --- | --- |",
    ]
    seen = set()
    for r in results:
        store = _label({**r, "state": None})
        if store in seen:  # PostgreSQL is measured twice on one load
            continue
        seen.add(store)
        p = r["populate"]
        note = f"cached, built {p['built']}" if p.get("cached") else "built now"
        lines.append(
            f"| {store} | {p['add_run_ms']:.3g} ms/run | {p['event_us']:.3g} us/event | "
            f"{p['total_s']:.0f} s | {note} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100_000, help="runs in dagwright's stores")
    parser.add_argument(
        "--dagster-runs", type=int, default=10_000, help="runs in Dagster's store (0: leave out)"
    )
    parser.add_argument("--queries", type=int, default=200, help="timed calls of each query")
    parser.add_argument(
        "--backends", default="sqlite,postgres", help="dagwright's stores: sqlite,postgres"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="a database on the server")
    parser.add_argument(
        "--cache-dir", default=str(CACHE), help="where populated SQLite stores stay"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--worker", choices=["dagwright", "dagster"], help=argparse.SUPPRESS)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args)))
        return

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    results = [
        r for b in backends for r in measure(sys.executable, "dagwright", b, args.runs, args)
    ]
    if args.dagster_runs:
        from run import dagster_python

        if args.dagster_runs != args.runs:  # dagwright at Dagster's scale too, like for like
            results += measure(sys.executable, "dagwright", "sqlite", args.dagster_runs, args)
        results += measure(dagster_python(), "dagster", "sqlite", args.dagster_runs, args)
    print(table(results))
    print()
    print(populate_table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
