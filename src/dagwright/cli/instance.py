"""``dagwright instance info|migrate``: what the instance is; bringing its database up to date."""

from __future__ import annotations

import click

from ..errors import DagwrightError

__all__ = ["instance_group"]


@click.group("instance")
def instance_group() -> None:
    """The instance of $DAGWRIGHT_HOME: where runs and events are kept."""


@instance_group.command("info")
def info_command() -> None:
    """Print the instance's home, storage and settings (secrets masked)."""
    import yaml

    from ..storage.instance import Instance
    from ..storage.settings import default_home, load_settings

    home = default_home()
    try:
        settings = load_settings(home)
        with Instance.from_settings(settings) as instance:
            described = instance.info()
    except DagwrightError as error:
        raise click.ClickException(str(error)) from None
    click.echo(yaml.safe_dump(described, sort_keys=False).rstrip())


@instance_group.command("migrate")
def migrate_command() -> None:
    """Upgrade the instance's database to this dagwright's schema (safe to run twice)."""
    from ..storage.instance import Instance
    from ..storage.settings import default_home
    from ..storage.sql.schema import SCHEMA_REVISION

    home = default_home()
    try:
        before = Instance.migrate(home)
    except DagwrightError as error:
        raise click.ClickException(str(error)) from None
    if before == SCHEMA_REVISION:
        click.echo(f"The instance at {home} is up to date (schema {SCHEMA_REVISION}).")
    elif before is None:
        click.echo(f"Created the instance's database at {home} (schema {SCHEMA_REVISION}).")
    else:
        click.echo(f"Upgraded the instance at {home} from schema {before} to {SCHEMA_REVISION}.")
