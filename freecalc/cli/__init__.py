"""The ``freecalc`` command line: a thin click layer over the library, one module per group of commands.

Bad input (a :class:`~freecalc.errors.FreecalcError` or a usage error) prints one line on stderr and exits
with code 2; ``check`` exits 1 when the closed form and the Monte Carlo mean disagree.
"""

from __future__ import annotations

import sys

import click

from ..errors import FreecalcError
from . import deep, laws, networks, traces  # noqa: F401 - registers the commands on the group
from .common import EXIT_BAD_INPUT, cli

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning bad input into one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="freecalc", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        click.echo("freecalc: aborted", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except click.ClickException as error:
        click.echo(f"freecalc: error: {error.format_message()}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except FreecalcError as error:
        click.echo(f"freecalc: error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except MemoryError:
        click.echo("freecalc: error: out of memory; use smaller sizes", err=True)
        sys.exit(EXIT_BAD_INPUT)
