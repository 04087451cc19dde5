"""The ``freecalc`` command line: a thin click layer over the library.

Bad input (a :class:`~freecalc.errors.FreecalcError` or a usage error) prints one line on stderr and exits
with code 2; ``check`` exits 1 when the closed form and the Monte Carlo mean disagree.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import click
import sympy

from .errors import DataError, FreecalcError, MatrixError
from .freeness import BASES, expand_poly, poly_to_sympy
from .words import Families

EXIT_DISAGREE = 1
EXIT_BAD_INPUT = 2


def _families(free: tuple[str, ...]) -> Families:
    if not free:
        raise FreecalcError("declare at least one family with --free, e.g. --free A,B --free R")
    return Families.of(*free)


def _emit(data: dict, as_json: bool, lines: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in lines:
            click.echo(line)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="freecalc")
def cli() -> None:
    """Free-probability calculator: closed forms of traces of words in free families."""


FREE_HELP = "A family of letters, comma separated; repeat for each free family (e.g. --free A,B --free R)."


@cli.command()
@click.argument("expression")
@click.option("--free", "free", multiple=True, help=FREE_HELP)
@click.option("--basis", type=click.Choice(BASES), default="moments", show_default=True,
              help="Atoms of the closed form.")
@click.option("--latex", is_flag=True, help="Print LaTeX instead of plain text.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def expand(expression: str, free: tuple[str, ...], basis: str, latex: bool, as_json: bool) -> None:
    """Expand EXPRESSION, e.g. "tr(A R A R B R)", into traces inside one family each."""
    families = _families(free)
    poly = expand_poly(expression, families, basis)
    closed = poly_to_sympy(poly)
    tex = sympy.latex(closed)
    data = {
        "expression": expression,
        "families": [list(g) for g in families.groups],
        "basis": basis,
        "closed_form": str(closed),
        "latex": tex,
        "terms": len(poly),
    }
    _emit(data, as_json, [tex if latex else str(closed)])


def _load_npz(path: str, error: type[FreecalcError] = MatrixError) -> dict:
    import numpy as np

    file = Path(path)
    if not file.is_file():
        raise error(f"no such file: {path}")
    try:
        with np.load(file, allow_pickle=False) as archive:
            return {key: np.asarray(archive[key]) for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as problem:
        raise error(f"cannot read {path} as .npz: {problem}") from None


@cli.command()
@click.argument("expression")
@click.option("--free", "free", multiple=True, help=FREE_HELP)
@click.option("--matrices", type=str, default=None,
              help="An .npz file with one square array per letter, keyed by the letter's name.")
@click.option("--dim", type=click.IntRange(min=2), default=300, show_default=True,
              help="Size of the default random matrices (ignored with --matrices).")
@click.option("--rotations", type=click.IntRange(min=2), default=20, show_default=True,
              help="Number of independent Haar rotations.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--group", type=click.Choice(["orthogonal", "unitary"]), default="orthogonal",
              show_default=True, help="Haar group of the rotations.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def check(expression: str, free: tuple[str, ...], matrices: str | None, dim: int, rotations: int,
          seed: int, group: str, as_json: bool) -> None:
    """Check the closed form of EXPRESSION against Monte Carlo over Haar rotations; exit 1 on disagreement."""
    from .numeric.montecarlo import check as run_check

    families = _families(free)
    arrays = _load_npz(matrices) if matrices else None
    result = run_check(expression, families, arrays, dim=dim, rotations=rotations, seed=seed, group=group)
    verdict = "agree" if result.agrees else "DISAGREE"
    _emit(
        result.as_dict() | {"verdict": verdict},
        as_json,
        [
            f"closed form: {result.closed_form}",
            f"predicted:   {result.predicted:.10g}",
            f"observed:    {result.observed:.10g} ± {result.stderr:.3g} "
            f"(stderr, {result.rotations} rotations, d = {result.dim}, {result.group})",
            f"tolerance:   {result.tolerance:.3g} ({result.z:g} stderr + {result.bias_constant:g} scale/d)",
            f"verdict:     {verdict}",
        ],
    )
    if not result.agrees:
        sys.exit(EXIT_DISAGREE)


def _load_data(path: str):
    arrays = _load_npz(path, error=DataError)
    for key in ("X", "y"):
        if key not in arrays:
            raise DataError(f"{path} has no array {key!r} (need X of shape (n, d) and y of shape (n,))")
    return arrays["X"], arrays["y"]


@cli.command()
@click.option("--data", "data_path", type=str, required=True,
              help="An .npz file with arrays X (n x d) and y (n).")
@click.option("--k", "width", type=click.IntRange(min=1), default=1024, show_default=True,
              help="Width of the hidden layer.")
@click.option("--r-moments", "r_source", default="analytic", show_default=True,
              help="Moments of R = W^T diag(a^2) W: analytic, empirical or average:S.")
@click.option("--a-law", type=click.Choice(["gaussian", "rademacher", "uniform"]), default="gaussian",
              show_default=True, help="Law of the readout weights a (unit variance).")
@click.option("--correlation", type=click.Choice(["cosine", "pearson"]), default="cosine", show_default=True,
              help="cosine (the paper's text) or Pearson over entries (the paper's code).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def predict(data_path: str, width: int, r_source: str, a_law: str, correlation: str, seed: int,
            as_json: bool) -> None:
    """Closed-form early-time C-NFC of f(x) = a^T (W x)^2 on the data in an .npz file."""
    from .numeric.predict import predict as run_predict

    X, y = _load_data(data_path)
    result = run_predict(X, y, k=width, r_source=r_source, a_law=a_law, seed=seed, kind=correlation)
    data = {
        "predicted": result.predicted,
        "correlation": result.kind,
        "r_moments": list(result.r_moments),
        "r_source": result.r_source,
        "traces": result.traces,
        "n": int(X.shape[0]),
        "d": int(X.shape[1]),
        "k": width,
    }
    _emit(data, as_json, [f"predicted C-NFC ({result.kind}): {result.predicted:.6f}"])


@cli.command()
@click.option("--out", type=click.Path(file_okay=False), default="derivations", show_default=True,
              help="Folder of the derivation files.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the files differ from what the engine produces now.")
@click.option("--force", is_flag=True, help="Overwrite files in --out that freecalc did not write.")
def derive(out: str, check_only: bool, force: bool) -> None:
    """Regenerate the machine-checked derivations (Markdown with LaTeX)."""
    from .derive import check_derivations, write_derivations

    if check_only:
        stale = check_derivations(Path(out))
        if stale:
            click.echo(f"out of date in {out}: {', '.join(stale)} (run freecalc derive)", err=True)
            sys.exit(EXIT_DISAGREE)
        click.echo(f"{out} is up to date")
        return
    for path in write_derivations(Path(out), force=force):
        click.echo(f"wrote {path}")


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
