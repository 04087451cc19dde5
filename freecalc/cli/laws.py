"""``law``: the law of a free sum, product or polynomial of named laws (support, density, atoms, moments)."""

from __future__ import annotations

import click

from .common import SEED, cli, emit, progress_bars, refuse_unless

LAW_HELP = ("LETTER=LAW, repeated: semicircle[:VARIANCE], free-poisson:RATE[:JUMP], bernoulli:P, arcsine, "
            "r-law:C[:A_LAW], empirical:FILE.npy")


@cli.command(name="law")
@click.argument("expression")
@click.option("--law", "assignments", multiple=True, required=True, help=LAW_HELP)
@click.option("--moments", type=click.IntRange(1, 12), default=4, show_default=True,
              help="How many moments to print.")
@click.option("--plot", type=str, default=None,
              help="Draw the density over a histogram of one sampled matrix into this PNG file.")
@click.option("--size", type=click.IntRange(min=2, max=8000), default=1000, show_default=True,
              help="With --plot: the size N of the sampled matrix.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="With --plot: seed of the sample.")
@click.option("--json", "as_json", is_flag=True,
              help="Print support, x, density, atoms and moments as a JSON object.")
@click.pass_context
def law_command(ctx: click.Context, expression: str, assignments: tuple[str, ...], moments: int,
                plot: str | None, size: int, seed: int, as_json: bool) -> None:
    """The law of EXPRESSION in free variables: "A + B", "A^(1/2) B A^(1/2)", or a polynomial "x y + y x".

    Free sums and products take any laws (subordination); so do polynomials (linearization and
    operator-valued subordination). Example: freecalc law "A + B" --law A=semicircle --law B=free-poisson:0.5
    """
    from ..laws import law_of_expression
    from ..laws.report import law_report
    from ..laws.specs import parse_assignments

    refuse_unless(ctx, "with --plot", plot is not None, "size", "seed")
    law = law_of_expression(expression, parse_assignments(assignments))
    with progress_bars() as bar:  # the support first (cached), then one step per interval's grid
        report = law_report(law, moments=moments, progress=bar("density", len(law.support())))
    data = report.to_dict()
    if plot is not None:
        import numpy as np

        from ..laws.figure import plot_law

        eigenvalues = np.linalg.eigvalsh(law.sample(size, seed))
        data["plot"] = str(plot_law(report, eigenvalues, plot, f"law of {expression}"))
    support = ", ".join(f"[{a:.8g}, {b:.8g}]" for a, b in report.support) or "none (atoms only)"
    atoms = ", ".join(f"{m:.6g} at {a:.8g}" for a, m in report.atoms) or "none"
    lines = [f"law of {expression}: {law.name}", f"support:  {support}", f"atoms:    {atoms}",
             "moments:  " + ", ".join(f"m{p} = {m:.10g}" for p, m in enumerate(report.moments, 1)),
             f"density:  {len(report.x)} points, trapezoid mass {report.mass:.6f} of "
             f"{report.expected_mass:.6f} (--json prints them)"]
    if plot is not None:
        lines.append(f"plot:     {data['plot']} (N = {size}, seed {seed})")
    emit(data, as_json, lines)
