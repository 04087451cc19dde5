"""What every command shares: the command group, exit codes, one-line refusals, files and folders."""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import FreecalcError, MatrixError, ParameterError

if TYPE_CHECKING:
    from ..free.words import Families

EXIT_DISAGREE = 1
EXIT_BAD_INPUT = 2


def families_of(free: tuple[str, ...]) -> Families:
    """The free families of the ``--free`` options; at least one."""
    from ..free.words import Families

    if not free:
        raise FreecalcError("declare at least one family with --free, e.g. --free A,B --free R")
    return Families.of(*free)


def emit(data: dict, as_json: bool, lines: list[str]) -> None:
    """Print ``data`` as JSON, or the lines of text."""
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in lines:
            click.echo(line)


def given(ctx: click.Context, name: str) -> bool:
    """Whether the option ``name`` was given on the command line (not left at its default)."""
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)


def refuse_unless(ctx: click.Context, needed: str, holds: bool, *options: str) -> None:
    """A one-line usage error when one of ``options`` was given although ``needed`` does not hold."""
    for name in options:
        if given(ctx, name) and not holds:
            flag = next(opt for param in ctx.command.params if param.name == name for opt in param.opts)
            raise ParameterError(f"{flag} applies only {needed}")


def writable_folder(out: str, what: str) -> Path:
    """``out`` as a folder that exists (made now, before any work) and can be written; else one line."""
    import tempfile

    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as problem:
        raise ParameterError(f"cannot write {what} into {out}: {problem.strerror or problem}") from None
    return folder


SEED = click.IntRange(min=0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="freecalc")
def cli() -> None:
    """Free-probability calculator: closed forms of traces of words in free families."""


FREE_HELP = "A family of letters, comma separated; repeat for each free family (e.g. --free A,B --free R)."


class Progress:
    """Block steps of a long expansion on stderr (a tqdm counter), only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar = None
        self.enabled = sys.stderr.isatty()
        self.steps = 0

    def __call__(self, steps: int) -> None:
        """Count ``steps`` more; the bar appears once the work is long."""
        self.steps += steps
        if self.enabled and self.bar is None and self.steps > 20_000:
            from tqdm import tqdm

            self.bar = tqdm(desc="expanding", unit=" steps", file=sys.stderr, leave=False)
        if self.bar is not None:
            self.bar.update(steps)

    def close(self) -> None:
        """Remove the bar."""
        if self.bar is not None:
            self.bar.close()


def load_arrays(path: str, error: type[FreecalcError] = MatrixError) -> dict:
    """Arrays of an .npz file by key; a missing or unreadable file raises ``error``."""
    import numpy as np

    file = Path(path)
    if not file.exists():
        raise error(f"no such file: {path}")
    if not file.is_file():
        raise error(f"{path} is not a file (give an .npz file)")
    try:
        with np.load(file, allow_pickle=False) as archive:
            return {key: np.asarray(archive[key]) for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as problem:
        raise error(f"cannot read {path} as .npz: {problem}") from None


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """``bar(name, total)`` makes a progress bar on stderr (a terminal only) and returns its ``update``."""
    from tqdm import tqdm

    bars = []

    def bar(name: str, total: int) -> Callable[[int], None]:
        shown = sys.stderr.isatty()
        bars.append(tqdm(total=total, desc=name, file=sys.stderr, leave=False, disable=not shown))
        return bars[-1].update

    try:
        yield bar
    finally:
        for made in bars:
            made.close()
