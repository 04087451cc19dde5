"""The mathematics behind each derivation page, computed: closed forms, verdicts and Monte Carlo figures.

A finding is a frozen value holding everything a page states (LaTeX strings, verdicts, numbers); the pages
themselves are written by :mod:`.markdown`, which computes nothing. Verdicts come from the engine (a
difference that expands to zero or not) and every "N standard errors" from the Monte Carlo it describes.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..haar.traces import expand
from .catalogue import Result

__all__ = ["MonteCarloFigure", "TraceFinding", "trace_finding", "RLawFinding", "r_law_finding", "Eq8Finding",
           "eq8_finding", "MC_DIM", "MC_ROTATIONS", "MC_SEED", "MATRIX_SEED"]

MC_DIM, MC_ROTATIONS, MC_SEED, MATRIX_SEED = 300, 8, 7, 2024


@dataclass(frozen=True)
class MonteCarloFigure:
    """Haar mean of a word against the engine: observed ± stderr, predicted, tolerance, verdict."""

    observed: float
    stderr: float
    predicted: float
    tolerance: float
    agrees: bool
    exact: float | None = None  # the exact Haar average at size dim, which the verdict uses when known
    dim: int = MC_DIM
    rotations: int = MC_ROTATIONS
    seed: int = MC_SEED
    matrix_seed: int = MATRIX_SEED

    @property
    def resolution(self) -> float | None:
        """The tolerance relative to the reference value (None when the reference is zero)."""
        reference = self.exact if self.exact is not None else self.predicted
        return self.tolerance / abs(reference) if reference else None


@dataclass(frozen=True)
class TraceFinding:
    """One catalogued trace result, computed."""

    result: Result
    closed_latex: str
    verdict: str  # "agrees", "differs" or "new"
    paper_latex: str | None
    difference_latex: str | None  # engine minus paper, when they differ
    corrected_difference: str | None  # engine minus the corrected form (printed), when one is catalogued
    monte_carlo: MonteCarloFigure
    printed_value: float | None  # the paper's form on the Monte Carlo matrices, when it differs
    printed_gap_in_se: float | None


def _monte_carlo(result: Result, paper_expr: str | None
                 ) -> tuple[MonteCarloFigure, float | None, float | None]:
    """Seeded Monte Carlo: the word's Haar mean against the engine and, when they differ, the paper."""
    from ..free.words import letters_of, parse
    from ..numeric.montecarlo import check, default_matrices

    node = parse(result.expression)
    letters = sorted(letters_of(node) | (letters_of(parse(paper_expr)) if paper_expr else frozenset()))
    matrices = default_matrices(letters, MC_DIM, seed=MATRIX_SEED)
    word = check(result.expression, result.families, matrices, rotations=MC_ROTATIONS, seed=MC_SEED,
                 group="orthogonal")
    figure = MonteCarloFigure(word.observed, word.stderr, word.predicted, word.tolerance, word.agrees,
                              word.exact)
    if paper_expr is None:
        return figure, None, None
    printed = check(paper_expr, result.families, matrices, rotations=2, seed=MC_SEED,
                    group="orthogonal").predicted
    return figure, printed, abs(printed - word.observed) / word.stderr


def trace_finding(result: Result) -> TraceFinding:
    """The engine's closed form of a catalogued result, its verdict against the paper, and Monte Carlo."""
    closed = expand(result.expression, result.families, result.basis)
    verdict, paper_latex, difference_latex = "new", None, None
    if result.paper is not None:
        paper = expand(result.paper, result.families, result.basis)
        difference = expand(f"{result.expression} - ({result.paper})", result.families, result.basis)
        verdict = "agrees" if difference == 0 else "differs"
        paper_latex = sympy.latex(paper)
        if verdict == "differs":
            difference_latex = sympy.latex(difference)
    corrected = None
    if result.corrected is not None:
        corrected = str(expand(f"{result.expression} - ({result.corrected})", result.families))
    figure, printed, gap = _monte_carlo(result, result.paper if verdict == "differs" else None)
    return TraceFinding(result, sympy.latex(closed), verdict, paper_latex, difference_latex, corrected,
                        figure, printed, gap)


@dataclass(frozen=True)
class RLawFinding:
    """Free cumulants and moments of R as functions of c = d/k, and sampled networks beside them."""

    cumulants_latex: tuple[str, ...]
    moments_latex: tuple[str, ...]
    networks: int
    seed: int
    rows: tuple[tuple[int, int, str, int, str, float, float], ...]  # d, k, c, p, analytic (exact), mean, se


def r_law_finding(networks: int = 30, seed: int = 3) -> RLawFinding:
    """``kappa_p(R) = c^(p-1) E[a^(2p)]`` and its moments, against sampled networks at three (d, k)."""
    import numpy as np

    from ..quadratic.predict import r_moments
    from ..quadratic.rlaw import network_r_cumulants, network_r_moments

    c = sympy.Symbol("c", positive=True)
    kappas = tuple(sympy.latex(k) for k in network_r_cumulants(4, c))
    moments = tuple(sympy.latex(sympy.factor(m)) for m in network_r_moments(4, c))
    rows = []
    for d, k in ((300, 300), (200, 400), (300, 150)):
        draws = np.array([r_moments("empirical", d, k, seed=seed + i) for i in range(networks)])
        exact = network_r_moments(4, sympy.Rational(d, k))
        for p in range(1, 5):
            mean, se = draws[:, p - 1].mean(), draws[:, p - 1].std(ddof=1) / np.sqrt(len(draws))
            rows.append((d, k, str(sympy.Rational(d, k)), p, str(exact[p - 1]), float(mean), float(se)))
    return RLawFinding(kappas, moments, networks, seed, tuple(rows))


@dataclass(frozen=True)
class Eq8Finding:
    """Eq. (8) against eq. (6): the symbolic verdict and both combinations of the engine's traces."""

    verdict: str
    size: int
    networks: int
    gh: float
    gg: float
    hh: float
    eq6: float
    eq8: float
    mean: float
    stderr: float

    @property
    def eq6_gap_in_se(self) -> float:
        """|eq. (6) - sampled mean| in standard errors."""
        return abs(self.eq6 - self.mean) / self.stderr

    @property
    def eq8_gap_in_se(self) -> float:
        """|eq. (8) - sampled mean| in standard errors."""
        return abs(self.eq8 - self.mean) / self.stderr


def eq8_finding(size: int = 512, networks: int = 20) -> Eq8Finding:
    """Eq. (8) multiplies by the norms where eq. (6) divides; decided symbolically and by sampled networks."""
    import numpy as np

    from ..datasets import alignment_reversing
    from ..quadratic.network import sample_network, velocity_cnfc
    from ..quadratic.predict import predict

    g_h, g_g, h_h = sympy.symbols("t_GH t_GG t_HH", positive=True)
    eq6_form = g_h * g_g ** sympy.Rational(-1, 2) * h_h ** sympy.Rational(-1, 2)
    eq8_form = g_h / (g_g ** sympy.Rational(-1, 2) * h_h ** sympy.Rational(-1, 2))
    verdict = "agrees" if sympy.simplify(eq8_form - eq6_form) == 0 else "differs"
    data = alignment_reversing(size, size, 0.3, seed=5)
    traces = predict(data.X, data.y, k=size).traces
    gh, gg, hh = traces["numerator"], traces["nfm_square"], traces["agop_square"]
    values = {g_h: gh, g_g: gg, h_h: hh}
    observed = np.array([velocity_cnfc(sample_network(size, size, seed=100 + i), data.X, data.y)
                         for i in range(networks)])
    return Eq8Finding(verdict, size, networks, gh, gg, hh, float(eq6_form.subs(values)),
                      float(eq8_form.subs(values)), float(observed.mean()),
                      float(observed.std(ddof=1) / np.sqrt(networks)))
