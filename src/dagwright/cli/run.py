"""``dagwright run ...``: act on the runs of the instance of $DAGWRIGHT_HOME.

``run cancel`` asks a run to stop and waits until it has; ``run monitor``
ends the runs whose process died; ``run steps`` shows what a run's steps
did, one line per op (the steps of an op mapped over many keys are one
line) unless ``--all`` asks for every step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import DagwrightError

if TYPE_CHECKING:
    from ..storage.instance import Instance
    from ..storage.settings import InstanceSettings

__all__ = ["run_group"]


@click.group("run")
def run_group() -> None:
    """The runs recorded by the instance of $DAGWRIGHT_HOME."""


@run_group.command("monitor")
@click.option("--once", is_flag=True, help="Check the runs once and exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Seconds between checks (default: run_monitoring.poll_interval_seconds, 5).",
)
def monitor_command(once: bool, interval: float | None) -> None:
    """Mark failed the runs whose process stopped sending heartbeats (canceled if canceling).

    Checks every few seconds until interrupted (the daemon will do this too).
    """
    from ..storage.run_monitoring import watch

    settings, instance = _open_instance()
    monitoring = settings.run_monitoring
    with instance:
        if not monitoring.enabled:
            where = f" in {settings.file}" if settings.file else ""
            click.echo(
                f"Run monitoring is disabled (run_monitoring.enabled: false{where}); "
                "no run was checked."
            )
            return
        every = interval if interval is not None else monitoring.poll_interval_seconds
        try:
            if once:
                _show(instance, instance.check_runs())
                return
            click.echo(
                f"Checking the runs of {settings.home} every {every:g} s: a run whose process "
                f"sent no heartbeat for {monitoring.heartbeat_timeout_seconds} s is marked "
                "failed. Ctrl-C stops."
            )
            for ended in watch(instance.check_runs, every):
                _show(instance, ended)
        except KeyboardInterrupt:
            return
        except DagwrightError as error:
            raise click.ClickException(str(error)) from None


@run_group.command("cancel")
@click.argument("run_id")
@click.option("--reason", default=None, help="Why; recorded in the run's event log.")
@click.option(
    "--wait/--no-wait",
    default=True,
    help="Wait until the run has stopped (default), or return once it was asked to.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="How long --wait waits for the run to stop.",
)
def cancel_command(run_id: str, reason: str | None, wait: bool, timeout: float) -> None:
    """Cancel run RUN_ID: its running steps are interrupted and its resources torn down.

    A run that has not started yet is canceled at once. Exits 1 when there is nothing to
    cancel (an unknown run, or one that already ended) or, with --wait, when the run has not
    stopped within --timeout seconds.
    """
    import time

    from ..records import EventType, RunStatus

    settings, instance = _open_instance()
    with instance:
        run = instance.get_run_by_id(run_id)
        if run is None:
            raise click.ClickException(f"no run {run_id} in {settings.home}.")
        if run.is_finished or (run.status is RunStatus.CANCELING and not wait):
            state = "is already canceling" if not run.is_finished else "already ended"
            raise click.ClickException(
                f"run {run_id} {state} ({run.status.value}); there is nothing to cancel."
            )
        if run.status is not RunStatus.CANCELING:  # else: asked before; wait for it to stop
            instance.cancel_run(run_id, reason)
        if not wait:
            click.echo(f"Asked run {run_id} to cancel.")
            return
        deadline = time.monotonic() + timeout
        while True:
            found = instance.get_run_by_id(run_id)
            if found is None or found.is_finished:
                break
            if time.monotonic() >= deadline:
                raise click.ClickException(
                    f"run {run_id} is still {found.status.value} after {timeout:g} s. If its "
                    "process died, `dagwright run monitor --once` marks it canceled once its "
                    f"heartbeat is {settings.run_monitoring.heartbeat_timeout_seconds} s old."
                )
            time.sleep(0.2)
        _show(instance, [run_id])
        interrupted = [
            entry.step_key
            for entry in instance.get_logs_for_run(run_id, of_type=[EventType.STEP_FAILURE])
            if entry.event is not None
            and getattr(entry.event.event_specific_data, "error_source", None) == "INTERRUPT"
        ]
        if interrupted:
            click.echo(f"Interrupted steps: {', '.join(str(key) for key in interrupted)}")


@run_group.command("steps")
@click.argument("run_id")
@click.option("--all", "every", is_flag=True, help="One line per step, mapped steps too.")
def steps_command(run_id: str, every: bool) -> None:
    """What the steps of run RUN_ID did: one line per op, mapped steps counted together."""
    settings, instance = _open_instance()
    with instance:
        if instance.get_run_by_id(run_id) is None:
            raise click.ClickException(f"no run {run_id} in {settings.home}")
        if every:
            for step in instance.get_run_step_stats(run_id):
                took = _duration(step.start_time, step.end_time)
                click.echo(f"{step.step_key}  {step.status.value}{took}")
            return
        for row in instance.get_run_step_summary(run_id):
            took = _duration(row.start_time, row.end_time)
            counts = [
                (row.succeeded, "SUCCESS", "succeeded"),
                (row.failed, "FAILURE", "failed"),
                (row.skipped, "SKIPPED", "skipped"),
                (row.in_progress, "IN_PROGRESS", "in progress"),
            ]
            if not row.is_mapped:
                status = next(status for n, status, _ in counts if n)
                click.echo(f"{row.op_handle}  {status}{took}")
            else:
                listed = ", ".join(f"{n} {label}" for n, _, label in counts if n)
                click.echo(f"{row.op_handle}[{row.steps} mapped]  {listed}{took}")


def _duration(start: float | None, end: float | None) -> str:
    return f"  {end - start:.3f} s" if start is not None and end is not None else ""


def _open_instance() -> tuple[InstanceSettings, Instance]:
    """The settings and the instance of $DAGWRIGHT_HOME, or a ClickException saying why not."""
    from ..storage.instance import Instance
    from ..storage.settings import default_home, load_settings

    try:
        settings = load_settings(default_home())
        return settings, Instance.from_settings(settings)
    except DagwrightError as error:
        raise click.ClickException(str(error)) from None


def _show(instance: Instance, run_ids: list[str]) -> None:
    """One line per ended run: its id, its new status and the final event's message."""
    from ..records import EventType

    for run_id in run_ids:
        record = instance.get_run_record_by_id(run_id)
        ends = instance.get_logs_for_run(
            run_id, of_type=[EventType.RUN_FAILURE, EventType.RUN_CANCELED]
        )
        status = record.run.status.value if record is not None else "deleted"
        why = f": {ends[-1].user_message}" if ends else ""
        click.echo(f"Run {run_id} is now {status}{why}")
