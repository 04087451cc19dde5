"""The mathematics of the paper's Proposition 8 (expected NFM and AGOP second derivatives), computed.

The exact expectations come from the Wick engine (:func:`freecalc.quadratic.words.expected_velocity_grams`);
the finding holds them beside the printed forms, their split into same-neuron and cross-neuron terms (the
printed proof keeps only ``s1 = s2``), their large-size limit against the free engine, and Monte Carlo over
sampled networks at small k, d and n; every statement of the page is derived from these values.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..free.atoms import atom_symbol, trace_atom
from ..gaussian.atoms import DIM, IDENTITY, K, matrix_symbol, moment_symbol, trace_symbol
from ..gaussian.wick import wick_expectation
from ..haar.traces import expand
from ..quadratic.readout import readout_law
from ..quadratic.rlaw import network_r_moments
from ..quadratic.words import PAPER_SCALE, expected_velocity_grams, neuron_index_split

__all__ = ["Proposition8Finding", "proposition8_finding", "PAPER_NFM", "PAPER_AGOP"]

C, B = matrix_symbol("C"), matrix_symbol("B")
TR_B = trace_symbol("B")
PAPER_NFM = C**2  # paper, Proposition 8, first display
PAPER_AGOP = 3 * TR_B * C**2 + 6 * C * B * C  # second display; tr(X^T X) is the unnormalized trace (proof)
MC_SIZES = {"n": 6, "d": 4}
MC_WIDTHS = (1, 3, 8)
MC_SAMPLES = 1_000_000
MC_SEED = 11


def _latex(expr: sympy.Expr) -> str:
    """LaTeX; the plain normalized-trace symbols ``tr(...)`` of the large-size limit print as operators."""
    names = {s: rf"\operatorname{{tr}}({s.name[3:-1]})" for s in expr.free_symbols
             if type(s) is sympy.Symbol and s.name.startswith("tr(")}
    return sympy.latex(expr, symbol_names=names)


def _free_limit_check() -> tuple[sympy.Expr, sympy.Expr]:
    """``tr(E[R B R] M)`` from the exact Wick form as d, k -> oo with d/k = c, and the free engine's value.

    With normalized traces ``tB = tr(B)``, ``tM = tr(M)``, ``tBM = tr(B M)`` and ``Tr(B) = d tB``.
    """
    c = sympy.Symbol("c", positive=True)
    t_b, t_m, t_bm = sympy.Symbol("tr(B)"), sympy.Symbol("tr(M)"), sympy.Symbol("tr(B M)")
    exact = wick_expectation("W' D^2 W B W' D^2 W", a_moments=readout_law("gaussian").moment)
    paired = sympy.expand(exact.subs(TR_B, DIM * t_b)).subs({IDENTITY: t_m, B: t_bm})
    limit = sympy.limit(sympy.expand(paired.subs(K, DIM / c)), DIM, sympy.oo)
    free = expand("tr(R B R M)", ("B,M", "R"), "moments")
    r1, r2 = network_r_moments(2, c)
    values = {("R",): r1, ("R", "R"): r2, ("B",): t_b, ("M",): t_m, ("B", "M"): t_bm}
    free_value = sympy.expand(free.subs({atom_symbol(trace_atom(w)): v for w, v in values.items()}))
    return sympy.expand(limit), free_value


def _shape_ratio(expr: sympy.Expr) -> sympy.Expr:
    """``beta / alpha`` of a form ``alpha Tr(B) C^2 + beta C B C``."""
    expanded = sympy.expand(expr)
    return sympy.simplify(expanded.coeff(C * B * C) / expanded.coeff(TR_B * C**2))


@dataclass(frozen=True)
class MonteCarloRow:
    """Sampled networks at one width k, against the exact and the printed forms."""

    k: int
    nfm_z: float  # max over entries of |MC - C^2| / se
    ratio: float  # beta / alpha fitted to the sampled E[C R B R C]
    ratio_se: float
    exact_ratio: float
    exact_z: float  # max over entries of |MC - exact| / se
    printed_z: float  # max over entries of |MC - printed| / se
    exact_ratio_text: str = ""  # exact_ratio as an exact rational, for the page


def _monte_carlo_rows(exact_form: dict[str, sympy.Expr]) -> tuple[MonteCarloRow, ...]:
    """Sampled networks at n = 6, d = 4: batch-mean Grams against the exact and the printed forms."""
    import numpy as np

    from ..numeric.wick_values import evaluate_wick
    from ..quadratic.network import sample_velocity_grams

    rng = np.random.default_rng(MC_SEED)
    X = rng.standard_normal((MC_SIZES["n"], MC_SIZES["d"]))
    y = np.sign(rng.standard_normal(MC_SIZES["n"]))
    mats = {"C": X.T @ (y[:, None] * X), "B": X.T @ X}
    U, V = evaluate_wick(TR_B * C**2, mats, k=1), evaluate_wick(C * B * C, mats, k=1)
    basis = np.stack([U.ravel(), V.ravel()], axis=1)  # E[C R B R C] = alpha U + beta V
    printed = evaluate_wick(PAPER_AGOP, mats, k=1)
    rows = []
    for k in MC_WIDTHS:
        draws = sample_velocity_grams(X, y, k, MC_SAMPLES, seed=MC_SEED + k)
        agop_batches = draws.agop / PAPER_SCALE["agop"]
        coefficients = np.array([np.linalg.lstsq(basis, b.ravel(), rcond=None)[0] for b in agop_batches])
        (alpha, beta), cov = coefficients.mean(axis=0), np.cov(coefficients.T) / len(coefficients)
        ratio = beta / alpha  # delta method for the standard error of a ratio of means
        ratio_se = np.sqrt(cov[1, 1] - 2 * ratio * cov[0, 1] + ratio**2 * cov[0, 0]) / abs(alpha)
        mean, se = (v / PAPER_SCALE["agop"] for v in draws.agop_estimate())
        exact = evaluate_wick(exact_form["agop"], mats, k=k)
        nfm_mean, nfm_se = (v / PAPER_SCALE["nfm"] for v in draws.nfm_estimate())
        nfm_z = np.max(np.abs(nfm_mean - evaluate_wick(exact_form["nfm"], mats, k=k)) / nfm_se)
        exact_ratio = _shape_ratio(exact_form["agop"]).subs(K, k)
        rows.append(MonteCarloRow(k, float(nfm_z), float(ratio), float(ratio_se), float(exact_ratio),
                                  float(np.max(np.abs(mean - exact) / se)),
                                  float(np.max(np.abs(mean - printed) / se)), str(exact_ratio)))
    return tuple(rows)


@dataclass(frozen=True)
class Proposition8Finding:
    """Everything the Proposition 8 page states, computed."""

    general_nfm: str  # LaTeX of E[C R C] with symbolic moments of a
    general_agop: str
    gaussian_nfm: str  # LaTeX for a ~ N(0, I_k)
    gaussian_agop: str
    paper_nfm: str
    paper_agop: str
    nfm_agrees: bool
    agop_agrees: bool
    same_neuron: str
    cross_neuron: str
    printed_is_k_same: bool  # the printed form is k times the same-neuron part with E[a^4] = 3
    agrees_at_k1: bool  # exact (k = 1) and printed forms coincide
    limit: str
    free_value: str
    limit_equal: bool
    exact_ratio: str  # beta / alpha of the exact form, as a function of k
    printed_ratio: str
    rows: tuple[MonteCarloRow, ...]
    mc_n: int = MC_SIZES["n"]
    mc_d: int = MC_SIZES["d"]
    mc_samples: int = MC_SAMPLES
    mc_seed: int = MC_SEED

    @property
    def verdict(self) -> str:
        """``agrees`` when both printed forms equal the exact ones, else ``differs``."""
        return "agrees" if self.nfm_agrees and self.agop_agrees else "differs"


def proposition8_finding() -> Proposition8Finding:
    """Exact forms, their split by neuron indices, their large-size limit and the Monte Carlo rows."""
    general = expected_velocity_grams()
    gaussian = expected_velocity_grams(a_moments="gaussian")
    same, cross = neuron_index_split(general["agop"])
    m4 = moment_symbol(4)
    same_times_k = sympy.expand(K * same.subs(m4, 3))
    limit, free_value = _free_limit_check()
    return Proposition8Finding(
        general_nfm=_latex(general["nfm"]), general_agop=_latex(general["agop"]),
        gaussian_nfm=_latex(gaussian["nfm"]), gaussian_agop=_latex(gaussian["agop"]),
        paper_nfm=_latex(PAPER_NFM), paper_agop=_latex(PAPER_AGOP),
        nfm_agrees=sympy.expand(gaussian["nfm"] - PAPER_NFM) == 0,
        agop_agrees=sympy.expand(gaussian["agop"] - PAPER_AGOP) == 0,
        same_neuron=_latex(same), cross_neuron=_latex(cross),
        printed_is_k_same=sympy.expand(same_times_k - PAPER_AGOP) == 0,
        agrees_at_k1=sympy.expand(gaussian["agop"].subs(K, 1) - PAPER_AGOP) == 0,
        limit=_latex(limit), free_value=_latex(free_value), limit_equal=sympy.expand(limit - free_value) == 0,
        exact_ratio=str(sympy.factor(_shape_ratio(gaussian["agop"]))),
        printed_ratio=str(_shape_ratio(PAPER_AGOP)),
        rows=_monte_carlo_rows(gaussian),
    )
