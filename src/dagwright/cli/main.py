"""The ``dagwright`` command group; each noun's commands live in their own module."""

from __future__ import annotations

import click

from .instance import instance_group
from .run import run_group

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dagwright")
def cli() -> None:
    """dagwright: define, run and watch data pipelines."""


cli.add_command(instance_group)
cli.add_command(run_group)


def main() -> None:
    """Entry point of the ``dagwright`` script."""
    cli(prog_name="dagwright")
