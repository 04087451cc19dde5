"""The ``freecalc`` command line: a thin click layer over the library.

Bad input (a :class:`~freecalc.errors.FreecalcError` or a usage error) prints one line on stderr and exits
with code 2; ``check`` exits 1 when the closed form and the Monte Carlo mean disagree.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .datasets import DATASETS, LABELS
from .errors import FreecalcError, MatrixError, ParameterError
from .free.bases import BASES
from .free.workload import WorkLimits
from .quadratic.readout import A_LAWS

if TYPE_CHECKING:
    from .free.words import Families

EXIT_DISAGREE = 1
EXIT_BAD_INPUT = 2


def _families(free: tuple[str, ...]) -> Families:
    from .free.words import Families

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


class _Progress:
    """Block steps of a long expansion on stderr (a tqdm counter), only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar = None
        self.enabled = sys.stderr.isatty()
        self.steps = 0

    def __call__(self, steps: int) -> None:
        self.steps += steps
        if self.enabled and self.bar is None and self.steps > 20_000:
            from tqdm import tqdm

            self.bar = tqdm(desc="expanding", unit=" steps", file=sys.stderr, leave=False)
        if self.bar is not None:
            self.bar.update(steps)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _write_closed_form(terms, as_json: bool, latex: bool, header: dict) -> None:
    """Stream the closed form: text or LaTeX line, or a JSON object with the terms as data."""
    from .free.printing import iter_latex, iter_text, term_data

    out = sys.stdout
    if not as_json:
        for piece in (iter_latex if latex else iter_text)(terms):
            out.write(piece)
        out.write("\n")
        return
    data = dict(header, closed_form="".join(iter_text(terms)), term_count=len(terms))
    if latex:
        data["latex"] = "".join(iter_latex(terms))
    body = json.dumps(data, indent=2, ensure_ascii=False)
    out.write(body[:-2] + ',\n  "terms": [')
    for index, (factors, coefficient) in enumerate(terms):
        item = json.dumps(term_data(factors, coefficient), ensure_ascii=False)
        out.write(("," if index else "") + "\n    " + item)
    out.write("\n  ]\n}\n")


def _size(text: str | None):
    """``--size``: an integer N >= 1, or a name for a symbolic size (e.g. N)."""
    if text is None:
        return None
    if text.strip().lstrip("-").isdigit():
        value = int(text)
        if value < 1:
            raise ParameterError(f"--size must be at least 1, got {value}")
        return value
    if not text.isidentifier():
        raise ParameterError(f"--size must be an integer or a symbol name such as N, got {text!r}")
    import sympy

    return sympy.Symbol(text, positive=True, integer=True)


@cli.command()
@click.argument("expression")
@click.option("--free", "free", multiple=True, help=FREE_HELP)
@click.option("--basis", type=click.Choice(BASES), default="moments", show_default=True,
              help="Atoms of the closed form.")
@click.option("--size", "size_text", default=None,
              help="Exact Haar average at size N: an integer, or a symbol (e.g. N) for a closed form in N.")
@click.option("--group", type=click.Choice(["unitary", "orthogonal"]), default="unitary", show_default=True,
              help="With --size: the Haar group (orthogonal assumes symmetric letters).")
@click.option("--series", type=click.IntRange(min=0), default=None,
              help="With a symbolic --size: expand the coefficients in 1/N up to this order.")
@click.option("--latex", is_flag=True, help="Print LaTeX instead of plain text (with --json: add it).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object, with the terms as data.")
@click.option("--max-terms", type=click.IntRange(min=1), default=WorkLimits.max_terms, show_default=True,
              help="Refuse expansions with more terms (estimated first, then watched).")
@click.option("--max-steps", type=click.IntRange(min=1), default=WorkLimits.max_steps, show_default=True,
              help="Refuse expansions needing more block steps (about 30 microseconds each) or Weingarten "
                   "pairs.")
def expand(expression: str, free: tuple[str, ...], basis: str, size_text: str | None, group: str,
           series: int | None, latex: bool, as_json: bool, max_terms: int, max_steps: int) -> None:
    """Expand EXPRESSION, e.g. "tr(A R A R B R)", into traces inside one family each."""
    import sympy

    from .free.interpret import expand_poly
    from .free.printing import ordered_terms

    families = _families(free)
    size = _size(size_text)
    header = {"expression": expression, "families": [list(g) for g in families.groups], "basis": basis}
    if size is None:
        if series is not None:
            raise ParameterError("--series needs a symbolic --size, e.g. --size N --series 2")
        progress = _Progress()
        try:
            poly = expand_poly(expression, families, basis, limits=WorkLimits(max_steps, max_terms),
                               progress=progress)
        finally:
            progress.close()
    else:
        from .haar.traces import finite_size_poly, series_poly

        if series is not None and not isinstance(size, sympy.Symbol):
            raise ParameterError("--series needs a symbolic --size, e.g. --size N --series 2")
        poly = finite_size_poly(expression, families, basis, size=size, group=group, max_steps=max_steps)
        if series is not None:
            poly = series_poly(poly, series, size)
        header |= {"size": str(size), "group": group} | ({"series": series} if series is not None else {})
    _write_closed_form(ordered_terms(poly), as_json, latex, header)


def _load_npz(path: str, error: type[FreecalcError] = MatrixError) -> dict:
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
@click.option("--closed-form", "claimed", default=None,
              help="A closed form of your own, in family-local traces, to check instead of the engine's.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def check(expression: str, free: tuple[str, ...], matrices: str | None, dim: int, rotations: int,
          seed: int, group: str, claimed: str | None, as_json: bool) -> None:
    """Check the closed form of EXPRESSION against Monte Carlo over Haar rotations; exit 1 on disagreement.

    The Monte Carlo mean is compared with the exact Haar average at the matrices' size (Weingarten
    calculus) when it is available, within a few standard errors; else with the free limit, with an
    O(1/d) allowance.
    """
    from .numeric.montecarlo import check as run_check

    families = _families(free)
    arrays = _load_npz(matrices) if matrices else None
    result = run_check(expression, families, arrays, dim=dim, rotations=rotations, seed=seed, group=group,
                       claimed=claimed)
    verdict = "agree" if result.agrees else "DISAGREE"
    lines = [f"closed form: {result.closed_form}",
             f"predicted:   {result.predicted:.10g} (free limit)"]
    if result.exact is not None:
        lines.append(f"exact:       {result.exact:.10g} (Haar average at d = {result.dim}; gap to the free "
                     f"limit {result.exact_gap:+.4g})")
    else:
        lines.append(f"exact:       not computed ({result.exact_note})")
    if result.claimed is not None:
        lines.append(f"claimed:     {result.claimed:.10g} (--closed-form)")
    lines += [f"observed:    {result.observed:.10g} ± {result.stderr:.3g} "
              f"(stderr, {result.rotations} rotations, d = {result.dim}, {result.group}; measured gap "
              f"{result.observed_gap:+.4g}; spread {result.observed_sd:.4g})"]
    if result.bias_constant:
        lines.append(f"tolerance:   {result.tolerance:.3g} ({result.z:g} stderr + {result.bias_constant:g} "
                     f"scale/d, against the {result.reference})")
    else:
        lines.append(f"tolerance:   {result.tolerance:.3g} ({result.z:g} stderr, against the "
                     f"{result.reference})")
    lines.append(f"verdict:     {verdict}")
    spread_verdict = None
    if result.predicted_sd is not None:
        spread_verdict = "agree" if result.spread_agrees else "DISAGREE"
        lines.append(f"spread:      observed {result.observed_sd:.4g}, predicted {result.predicted_sd:.4g} "
                     f"({result.spread_method}) -> {spread_verdict}")
    else:
        lines.append(f"spread:      observed {result.observed_sd:.4g}, no prediction "
                     f"({result.spread_method})")
    _emit(result.as_dict() | {"verdict": verdict, "spread_verdict": spread_verdict}, as_json, lines)
    if not result.agrees or result.spread_agrees is False:
        sys.exit(EXIT_DISAGREE)


@cli.command()
@click.argument("first")
@click.argument("second")
@click.option("--free", "free", multiple=True, help=FREE_HELP)
@click.option("--group", type=click.Choice(["unitary", "orthogonal"]), default="unitary", show_default=True,
              help="Complex (unitary) or real (orthogonal; symmetric letters) second-order freeness.")
@click.option("--law", "laws", multiple=True,
              help="A random letter with its own family and law: X=gue, X=goe or X=wishart:C (repeatable).")
@click.option("--matrices", type=str, default=None,
              help="An .npz file with one square array per deterministic letter (gives the value).")
@click.option("--basis", type=click.Choice(["moments", "cumulants"]), default="moments", show_default=True,
              help="Atoms of the closed form.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def covariance(first: str, second: str, free: tuple[str, ...], group: str, laws: tuple[str, ...],
               matrices: str | None, basis: str, as_json: bool) -> None:
    """The limit covariance lim Cov(Tr P, Tr Q) of two words in second-order free families.

    FIRST and SECOND are words such as "A R A R", or linear combinations of tr(...), read as unnormalized
    traces Tr. Letters with --law are random matrices of their own; the other families are Haar-rotated
    deterministic matrices (values from --matrices).
    """
    from .numeric.fluctuations import covariance_report

    arrays = _load_npz(matrices) if matrices else None
    data = covariance_report(first, second, _families(free), group=group, laws=laws, matrices=arrays,
                             basis=basis)
    lines = [f"lim Cov(Tr {first}, Tr {second}) = {data['closed_form']}"]
    if "value" in data:
        lines.append(f"value: {data['value']:.10g}")
    _emit(data, as_json, lines)


def _dataset_options(func):
    """Options shared by ``predict`` and ``sweep`` that describe the data and the network."""
    options = [
        click.option("--n", "n", type=int, default=1024, show_default=True, help="Number of samples."),
        click.option("--d", "d", type=int, default=1024, show_default=True, help="Input dimension."),
        click.option("--k", "k", type=int, default=1024, show_default=True, help="Hidden-layer width."),
        click.option("--eps1", type=float, default=0.5, show_default=True,
                     help="alignment-reversing: bulk variance of the label-1 rows."),
        click.option("--eps2", type=float, default=1e-2, show_default=True,
                     help="alignment-reversing: noise added to X (relative to the row scale)."),
        click.option("--spike", type=float, default=1.0, show_default=True,
                     help="alignment-reversing: Sigma = eps1 I + spike 1 1^T / d."),
        click.option("--ridge", type=float, default=0.05, show_default=True,
                     help="alignment-reversing: X2^T X2 = (X1^T X1 + ridge)^-2 on the shared rank."),
        click.option("--invert", type=click.Choice(["smallest", "largest"]), default="smallest",
                     show_default=True, help="alignment-reversing: which eigenvalues of X1^T X1 X2 inverts."),
        click.option("--literal", is_flag=True,
                     help="alignment-reversing: the recipe exactly as printed in Appendix F (ill posed)."),
        click.option("--a-law", type=click.Choice(list(A_LAWS)), default="gaussian", show_default=True,
                     help="Law of the readout weights a (unit variance)."),
        click.option("--correlation", type=click.Choice(["cosine", "pearson"]), default="cosine",
                     show_default=True, help="cosine (the paper's text) or Pearson over entries (its code)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _reversing_options(eps1, eps2, spike, ridge, invert, literal) -> dict:
    return {"eps1": eps1, "eps2": eps2, "spike": spike, "ridge": ridge, "invert": invert, "literal": literal}


@cli.command()
@click.option("--dataset", type=click.Choice(list(DATASETS)), default="alignment-reversing",
              show_default=True, help="A built-in data set (ignored with --data).")
@click.option("--data", "data_path", type=str, default=None,
              help="Data: an .npz file with arrays X (n x d) and y (n), or a folder with X.npy and y.npy "
                   "(X memory-mapped); replaces --dataset, --n and --d.")
@click.option("--balance", type=float, default=0.3, show_default=True,
              help="alignment-reversing: the balance gamma in (0, 1].")
@click.option("--alpha", type=float, default=1.0, show_default=True,
              help="power-law: eigenvalues 1 / (1 + j^alpha).")
@click.option("--labels", type=click.Choice(list(LABELS)), default="chain", show_default=True,
              help="isotropic and power-law: the labels.")
@click.option("--rank", type=int, default=5, show_default=True, help="Rank r of the chain monomial, eq. (2).")
@_dataset_options
@click.option("--r-moments", "r_source", default="analytic", show_default=True,
              help="Moments of R = W^T diag(a^2) W: analytic (limit law), exact (E tr R^p at this k, d, "
                   "Wick), empirical (the sampled network) or average:S.")
@click.option("--observe", is_flag=True, help="Also sample the network and measure the correlation.")
@click.option("--residual", is_flag=True, help="With --observe: use y - f(X) instead of y.")
@click.option("--finite-width", is_flag=True,
              help="Also predict the mean and standard deviation across networks at this n, d, k.")
@click.option("--networks", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --observe: measure this many sampled networks (mean, sd, standard error).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the data and of the network.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def predict(dataset: str, data_path: str | None, balance: float, alpha: float, labels: str, rank: int,
            n: int, d: int, k: int, eps1: float, eps2: float, spike: float, ridge: float, invert: str,
            literal: bool, a_law: str, correlation: str, r_source: str, observe: bool, residual: bool,
            finite_width: bool, networks: int, seed: int, as_json: bool) -> None:
    """Closed-form early-time C-NFC of f(x) = a^T (W x)^2; by default on the alignment-reversing data."""
    from .quadratic.workflow import PredictionConfig, run_prediction

    config = PredictionConfig(
        dataset=dataset, data_path=data_path, n=n, d=d, k=k, seed=seed, balance=balance, alpha=alpha,
        labels=labels, rank=rank,
        reversing_options=_reversing_options(eps1, eps2, spike, ridge, invert, literal), a_law=a_law,
        correlation=correlation, r_source=r_source, observe=observe, residual=residual,
        finite_width=finite_width, networks=networks)
    record = run_prediction(config)
    lines = [f"predicted C-NFC ({correlation}, {record.dataset}, n = {record.n}, d = {record.d}, k = {k}, "
             f"R moments {config.r_source}): {record.predicted:.6f}"]
    if record.observed is not None:
        lines.append(f"observed C-NFC (one sampled network{', residuals' if residual else ''}): "
                     f"{record.observed:.6f}   |predicted - observed| = "
                     f"{abs(record.predicted - record.observed):.2e}")
    if record.finite is not None:
        f = record.finite
        tail = "" if f.exact else f", tail share {f.tail_share:.1e}, tail rank {f.tail_rank:.0f}"
        if not f.reliable:
            tail += "; UNRELIABLE: the averaged tail is too large for the directions it spreads over"
        lines.append(f"predicted at finite width: {f.mean:.6f} +- {f.sd:.6f} (mean +- sd across networks; "
                     f"{f.draws} reduced draws, rank {f.rank}{tail})")
    if record.spread is not None:
        o = record.spread
        lines.append(f"observed over {o.networks} networks: {o.mean:.6f} +- {o.se:.6f} (stderr), "
                     f"sd {o.sd:.6f}")
    _emit(record.as_dict(), as_json, lines)


@cli.command()
@click.option("--balances", type=int, default=20, show_default=True,
              help="Number of balance values, evenly spaced on [0.05, 1].")
@click.option("--seeds", type=int, default=4, show_default=True, help="Number of data seeds (0, 1, ...).")
@_dataset_options
@click.option("--network-seed", type=int, default=0, show_default=True, help="Seed of the one network.")
@click.option("--out", type=click.Path(file_okay=False), default="sweep", show_default=True,
              help="Folder for sweep.csv, sweep.json and sweep.png.")
@click.option("--force", is_flag=True, help="Overwrite existing sweep files in --out.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar.")
@click.option("--finite-width", is_flag=True,
              help="Add the predicted band (mean +- sd across networks at this n, d, k) and its coverage.")
@click.option("--draws", type=click.IntRange(min=2), default=400, show_default=True,
              help="Reduced draws per point for --finite-width.")
def sweep(balances: int, seeds: int, n: int, d: int, k: int, eps1: float, eps2: float, spike: float,
          ridge: float, invert: str, literal: bool, a_law: str, correlation: str, network_seed: int, out: str,
          force: bool, progress: bool, finite_width: bool, draws: int) -> None:
    """Figure 3: predicted and observed C-NFC over the balance of the alignment-reversing data."""
    import numpy as np
    from tqdm import tqdm

    from .numeric.resources import check_memory
    from .quadratic.sweep import run_sweep, sweep_targets, write_sweep

    if balances < 1 or seeds < 1:
        raise ParameterError("--balances and --seeds must be at least 1")
    check_memory(n, d, k)
    grid = [float(g) for g in np.round(np.linspace(0.05, 1.0, balances), 10)] if balances > 1 else [1.0]
    sweep_targets(out, overwrite=force)  # refuse before the run, not after it
    with tqdm(total=len(grid) * seeds, desc="sweep", unit="data set", disable=not progress,
              file=sys.stderr) as bar:
        result = run_sweep(grid, list(range(seeds)), n=n, d=d, k=k, network_seed=network_seed, a_law=a_law,
                           kind=correlation, progress=bar.update, finite_width=finite_width, draws=draws,
                           **_reversing_options(eps1, eps2, spike, ridge, invert, literal))
    for path in write_sweep(result, out, overwrite=force):
        click.echo(f"wrote {path}")
    summary = result.summary()
    click.echo(f"|predicted - observed|: empirical R moments mean {summary['mean_abs_error_empirical']:.4f} "
               f"max {summary['max_abs_error_empirical']:.4f}; analytic mean "
               f"{summary['mean_abs_error_analytic']:.4f} max {summary['max_abs_error_analytic']:.4f}; "
               f"observed range [{summary['observed_min']:.3f}, {summary['observed_max']:.3f}]")
    if result.has_finite_width:
        click.echo(f"finite-width band: {summary['coverage_1sd']:.0%} of the observations within 1 sd "
                   f"(normal law: {summary['promised_1sd']:.0%}), {summary['coverage_2sd']:.0%} within 2 sd "
                   f"({summary['promised_2sd']:.0%}); mean z {summary['mean_z']:+.2f}; "
                   f"{summary['finite_unreliable_points']} points flagged unreliable")


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
