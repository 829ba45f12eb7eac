"""``dagwright run monitor``: end the runs of the instance whose process died."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import DagwrightError

if TYPE_CHECKING:
    from ..storage.instance import Instance

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
    from ..storage.instance import Instance
    from ..storage.run_monitoring import watch
    from ..storage.settings import default_home, load_settings

    try:
        settings = load_settings(default_home())
        instance = Instance.from_settings(settings)
    except DagwrightError as error:
        raise click.ClickException(str(error)) from None
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
