"""``expand``, ``check`` and ``covariance``: closed forms of traces, their Monte Carlo check, fluctuations."""

from __future__ import annotations

import json
import sys

import click

from ..errors import ParameterError
from ..free.bases import BASES
from ..free.letters import GROUP, GROUPS
from ..free.workload import EXACT_MAX_STEPS, SECOND_ORDER_MAX_STEPS, WorkLimits
from ..numeric.verdict import FALSE_ALARM
from .common import (
    EXIT_DISAGREE,
    FREE_HELP,
    SEED,
    Progress,
    cli,
    emit,
    families_of,
    load_arrays,
    progress_bars,
    refuse_unless,
)


def _write_closed_form(terms, as_json: bool, latex: bool, header: dict) -> None:
    """Stream the closed form: text or LaTeX line, or a JSON object with the terms as data."""
    from ..free.printing import iter_latex, iter_text, term_data

    out = sys.stdout
    if not as_json:
        for piece in (iter_latex if latex else iter_text)(terms):
            out.write(piece)
        out.write("\n")
        if "value" in header:
            out.write(f"value: {header['value']:.10g} ({', '.join(header['laws'])})\n")
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


def _is_expression(token: str) -> bool:
    """A token starting with ``-`` that is an expression (it has a parenthesis or a space), not an option."""
    return token.startswith("-") and not token.startswith("--") and any(c in token for c in "( \t")


class _ExpressionCommand(click.Command):
    """A command whose arguments are expressions: ``"-tr(A R)"`` is an expression, not the option ``-t``.

    Such a token is passed to click with a leading space, removed again once parsed; a ``--`` just before it
    is dropped, so that options may still follow.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:  # noqa: D102
        kept: list[str] = []
        for index, token in enumerate(args):
            if token == "--" and index + 1 < len(args) and _is_expression(args[index + 1]):
                continue
            kept.append(" " + token if _is_expression(token) else token)
        rest = super().parse_args(ctx, kept)
        for param in self.params:
            if isinstance(param, click.Argument) and isinstance(value := ctx.params.get(param.name), str):
                ctx.params[param.name] = value.strip()
        return rest


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


@cli.command(cls=_ExpressionCommand)
@click.argument("expression")
@click.option("--free", "free", multiple=True, help=FREE_HELP)
@click.option("--basis", type=click.Choice(BASES), default="moments", show_default=True,
              help="Atoms of the closed form.")
@click.option("--size", "size_text", default=None,
              help="Exact Haar average at size N: an integer, or a symbol (e.g. N) for a closed form in N.")
@click.option("--group", type=click.Choice(GROUPS), default=GROUP, show_default=True,
              help="With --size: the Haar group (orthogonal assumes symmetric letters).")
@click.option("--series", type=click.IntRange(min=0), default=None,
              help="With a symbolic --size: expand the coefficients in 1/N up to this order.")
@click.option("--latex", is_flag=True, help="Print LaTeX instead of plain text (with --json: add it).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object, with the terms as data.")
@click.option("--max-terms", type=click.IntRange(min=1), default=WorkLimits.max_terms, show_default=True,
              help="Refuse expansions with more terms (estimated first, then watched).")
@click.option("--law", "laws", multiple=True,
              help="LETTER=LAW (e.g. X=semicircle, X=free-poisson:0.5; repeatable): also print the closed "
                   "form's value when every letter has a law (free limit only; each letter alone in its "
                   "family).")
@click.option("--max-steps", type=click.IntRange(min=1), default=WorkLimits.max_steps, show_default=True,
              help="Refuse expansions needing more block steps (about 30 microseconds each) or Weingarten "
                   "pairs.")
@click.pass_context
def expand(ctx: click.Context, expression: str, free: tuple[str, ...], basis: str, size_text: str | None,
           group: str, series: int | None, latex: bool, as_json: bool, laws: tuple[str, ...], max_terms: int,
           max_steps: int) -> None:
    """Expand EXPRESSION, e.g. "tr(A R A R B R)", into traces inside one family each."""
    import sympy

    refuse_unless(ctx, "with --size", size_text is not None, "group", "series")
    refuse_unless(ctx, "in the free limit (without --size)", size_text is None, "laws")
    law_of = {}
    if laws:
        from ..laws.specs import parse_assignments

        law_of = parse_assignments(laws)

    from ..free.interpret import expand_poly
    from ..free.printing import ordered_terms

    families = families_of(free)
    size = _size(size_text)
    header = {"expression": expression, "families": [list(g) for g in families.groups], "basis": basis}
    if size is None:
        if series is not None:
            raise ParameterError("--series needs a symbolic --size, e.g. --size N --series 2")
        progress = Progress()
        try:
            poly = expand_poly(expression, families, basis, limits=WorkLimits(max_steps, max_terms),
                               progress=progress)
        finally:
            progress.close()
    else:
        from ..haar.traces import finite_size_poly, series_poly

        if series is not None and not isinstance(size, sympy.Symbol):
            raise ParameterError("--series needs a symbolic --size, e.g. --size N --series 2")
        poly = finite_size_poly(expression, families, basis, size=size, group=group, max_steps=max_steps)
        if series is not None:
            poly = series_poly(poly, series, size)
        header |= {"size": str(size), "group": group} | ({"series": series} if series is not None else {})
    if law_of:
        from ..laws.values import law_atom_values
        from ..numeric.evaluate import evaluate_poly

        header |= {"laws": list(laws), "value": evaluate_poly(poly, law_atom_values(law_of))}
    _write_closed_form(ordered_terms(poly), as_json, latex, header)


@cli.command(cls=_ExpressionCommand)
@click.argument("expression")
@click.option("--free", "free", multiple=True, help=FREE_HELP)
@click.option("--matrices", type=str, default=None,
              help="An .npz file with one square array per letter, keyed by the letter's name.")
@click.option("--size", type=click.IntRange(min=2), default=300, show_default=True,
              help="Size of the default random matrices (not with --matrices, which set their own).")
@click.option("--dim", hidden=True, default=None, help="Old name of --size.")
@click.option("--rotations", type=click.IntRange(min=2), default=20, show_default=True,
              help="Number of independent Haar rotations.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the matrices and rotations.")
@click.option("--group", type=click.Choice(GROUPS), default=GROUP, show_default=True,
              help="Haar group of the rotations (orthogonal assumes symmetric letters).")
@click.option("--closed-form", "claimed", default=None,
              help="A closed form of your own, in family-local traces, to check instead of the engine's.")
@click.option("--false-alarm", type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
              default=FALSE_ALARM, show_default=True,
              help="Rate at which each verdict calls a correct closed form wrong.")
@click.option("--max-steps", type=click.IntRange(min=1), default=EXACT_MAX_STEPS, show_default=True,
              help="Weingarten pairs for the exact value and spread (past it: the free limit, a note).")
@click.option("--latex", is_flag=True, help="Print the closed form in LaTeX (with --json: add it).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def check(ctx: click.Context, expression: str, free: tuple[str, ...], matrices: str | None, size: int,
          dim: str | None, rotations: int, seed: int, group: str, claimed: str | None, false_alarm: float,
          max_steps: int, latex: bool, as_json: bool) -> None:
    """Check the closed form of EXPRESSION against Monte Carlo over Haar rotations; exit 1 on disagreement.

    The Monte Carlo mean is compared with the exact Haar average at the matrices' size (Weingarten
    calculus) when it is available, else with the free limit plus an O(1/d) allowance; the spread across
    rotations with its prediction. Each verdict calls a correct closed form wrong at the --false-alarm rate.
    """
    import sympy

    from ..numeric.montecarlo import check as run_check

    if dim is not None:
        raise ParameterError("--dim is now --size (the size of the default random matrices)")
    refuse_unless(ctx, "without --matrices (they set their own size)", matrices is None, "size")
    families = families_of(free)
    arrays = load_arrays(matrices) if matrices else None
    with progress_bars() as bar:
        result = run_check(expression, families, arrays, size=size, rotations=rotations, seed=seed,
                           group=group, claimed=claimed, false_alarm=false_alarm, max_steps=max_steps,
                           progress=bar("rotations", rotations))
    verdict = result.verdict
    shown = sympy.latex(result.closed_form) if latex else str(result.closed_form)
    lines = [f"closed form: {shown}",
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
    basis = ("of the predicted spread" if result.tolerance_method == "predicted spread"
             else "of the observed spread, Student t")
    allowance = f" + {result.bias_constant:g} scale/d" if result.bias_constant else ""
    lines.append(f"tolerance:   {result.tolerance:.3g} ({result.quantile:.3g} standard errors {basis}"
                 f"{allowance}, against the {result.reference}; false-alarm rate {result.false_alarm:g}, "
                 f"power {result.power:.2f} against an error of one sd)")
    lines.append(f"verdict:     {verdict}")
    if result.predicted_sd is not None:
        lines.append(f"spread:      observed {result.observed_sd:.4g}, predicted {result.predicted_sd:.4g} "
                     f"({result.spread_method}) -> {result.spread_verdict}")
    else:
        lines.append(f"spread:      observed {result.observed_sd:.4g}, no prediction "
                     f"({result.spread_method})")
    data = result.to_dict()
    if latex:
        data["latex"] = shown
    emit(data, as_json, lines)
    if not result.agrees or result.spread_agrees is False:
        sys.exit(EXIT_DISAGREE)


@cli.command(cls=_ExpressionCommand)
@click.argument("first")
@click.argument("second")
@click.option("--free", "free", multiple=True, help=FREE_HELP)
@click.option("--group", type=click.Choice(GROUPS), default=None,
              help="Complex (unitary) or real (orthogonal; symmetric letters) second-order freeness; "
                   "by default the laws' kind (goe: orthogonal), else unitary.")
@click.option("--law", "laws", multiple=True,
              help="A random letter with its own family and law: X=gue, X=goe or X=wishart:C (repeatable).")
@click.option("--matrices", type=str, default=None,
              help="An .npz file with one square array per deterministic letter (gives the value).")
@click.option("--basis", type=click.Choice(["moments", "cumulants"]), default="moments", show_default=True,
              help="Atoms of the closed form.")
@click.option("--max-steps", type=click.IntRange(min=1), default=SECOND_ORDER_MAX_STEPS, show_default=True,
              help="Refuse work past this many steps (estimated first); with --matrices, leave out the "
                   "closed form past it and give the value alone.")
@click.option("--latex", is_flag=True, help="Print the closed form in LaTeX (with --json: add it).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def covariance(first: str, second: str, free: tuple[str, ...], group: str | None, laws: tuple[str, ...],
               matrices: str | None, basis: str, max_steps: int, latex: bool, as_json: bool) -> None:
    """The limit covariance lim Cov(Tr P, Tr Q) of two words in second-order free families.

    FIRST and SECOND are words such as "A R A R", or linear combinations of tr(...), read as unnormalized
    traces Tr. Letters with --law are random matrices of their own; the other families are Haar-rotated
    deterministic matrices (values from --matrices).
    """
    from ..numeric.fluctuations import covariance as limit_covariance

    arrays = load_arrays(matrices) if matrices else None
    result = limit_covariance(first, second, families_of(free), group=group, laws=laws, matrices=arrays,
                              basis=basis, max_steps=max_steps, latex=latex)
    data = result.to_dict()
    if "closed_form" in data:
        lines = [data["latex"] if latex else f"lim Cov(Tr {first}, Tr {second}) = {data['closed_form']}"]
    else:
        lines = [f"lim Cov(Tr {first}, Tr {second}): closed form {data['closed_form_note']}"]
    if "value" in data:
        lines.append(f"value: {data['value']:.10g}")
    emit(data, as_json, lines)

