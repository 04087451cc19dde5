"""The derivation page of the law objects: closed forms, subordination and linearization, Monte Carlo.

:func:`laws_page` computes every figure and returns the Markdown and a verdict. Printed figures are only
those whose digits every machine reproduces: checks against closed forms are printed as the tolerance they
meet (the measured errors, 1e-13..1e-9, depend on rounding), and the seeded Monte Carlo distances to two
significant digits (their size, about 1/N, is far above the rounding of eigenvalues and distribution
functions). Not yet listed in :data:`~freecalc.derive.catalogue.PAGES`.
"""

from __future__ import annotations

import math

import numpy as np

from ..laws import (
    FreePoisson,
    FreeProduct,
    FreeSum,
    Semicircle,
    bernoulli,
    law_of_expression,
    r_law,
)
from ..laws.base import Law
from ..laws.compare import ks_distance, ks_two_sample
from ..laws.linearization import evaluate_polynomial, parse_polynomial
from ..laws.support import locate_support
from ..quadratic.network import sample_network
from .catalogue import MARKER

__all__ = ["laws_page", "closed_form_checks", "monte_carlo_checks"]

SIZE = 1000  # Monte Carlo matrices are SIZE x SIZE, drift measured from SIZE/2
TOLERANCE = 1e-8
EDGE = math.sqrt((11 + 5 * math.sqrt(5)) / 2)
SEMI = {"x": Semicircle(), "y": Semicircle()}


def _mp(x, lam, alpha=1.0):
    """Marchenko & Pastur (1967): sqrt((b - y)(y - a)) / (2 pi y), y = x / alpha, edges (1 -+ sqrt lam)^2."""
    y = x / alpha
    a, b = (1 - math.sqrt(lam)) ** 2, (1 + math.sqrt(lam)) ** 2
    inside = (y > a) & (y < b)
    safe = np.where(inside, y, 1.0)
    root = np.sqrt(np.clip((b - safe) * (safe - a), 0, None))
    return np.where(inside, root / (2 * np.pi * safe), 0) / alpha


def _anticommutator(x):
    """The root of ``x G^3 + G^2 - x G + 1 = 0`` with negative imaginary part (``R(w) = 2w/(1 - w^2)``)."""
    return np.array([max(0.0, -np.roots([v, 1.0, -v, 1.0]).imag.min() / np.pi) for v in x])


def _semicircle(variance):
    return lambda x: np.sqrt(np.clip(4 * variance - x**2, 0, None)) / (2 * np.pi * variance)


class _Inverted:
    """A closed-form law read through the generic routes: ``-Im G/pi`` and edges located on it."""

    def __init__(self, law: Law):
        self.law = law

    def density(self, x):
        return Law.density(self.law, x)

    def support(self):
        low, high = self.law.bounds()
        return locate_support(self.density, low - 0.1 * (high - low), high + 0.1 * (high - low))


def closed_form_checks() -> list[tuple[str, str, float, float]]:
    """Per closed form: name, route, largest density error away from the edges, largest edge error."""
    cases = [
        ("semicircle", "Stieltjes inversion of G", _Inverted(Semicircle()), _semicircle(1.0), (-2.0, 2.0)),
        ("Marchenko-Pastur, rate 0.5", "Stieltjes inversion of G", _Inverted(FreePoisson(0.5)),
         lambda x: _mp(x, 0.5), ((1 - 0.5**0.5) ** 2, (1 + 0.5**0.5) ** 2)),
        ("free Poisson, rate 0.7, jump 1.5", "compound free Poisson equation, one jump",
         law_of_expression("A", {"A": _one_jump(0.7, 1.5)}), lambda x: _mp(x, 0.7, 1.5),
         (1.5 * (1 - 0.7**0.5) ** 2, 1.5 * (1 + 0.7**0.5) ** 2)),
        ("semicircle(1) ⊞ semicircle(2) = semicircle(3)", "subordination",
         FreeSum(Semicircle(1.0), Semicircle(2.0)), _semicircle(3.0), (-2 * 3**0.5, 2 * 3**0.5)),
        ("free Poisson(0.3) ⊞ free Poisson(0.5) = free Poisson(0.8)", "subordination",
         FreeSum(FreePoisson(0.3), FreePoisson(0.5)), lambda x: _mp(x, 0.8),
         ((1 - 0.8**0.5) ** 2, (1 + 0.8**0.5) ** 2)),
        ("anticommutator xy + yx", "subordination, a² ⊞ (-b²)",
         FreeSum(FreePoisson(1.0), FreePoisson(1.0, -1.0)), _anticommutator, (-EDGE, EDGE)),
        ("anticommutator xy + yx", "linearization (3 x 3 pencil)", law_of_expression("x y + y x", SEMI),
         _anticommutator, (-EDGE, EDGE)),
    ]
    rows = []
    for name, route, law, formula, edges in cases:
        low, high = edges
        x = np.linspace(low - 0.2 * (high - low), high + 0.2 * (high - low), 801)
        keep = np.all(np.abs(x[:, None] - np.array(edges)) > 1e-3 * (high - low), axis=1) & (np.abs(x) > 1e-3)
        density_error = float(np.max(np.abs(law.density(x[keep]) - formula(x[keep]))))
        located = law.support()
        edge_error = max(abs(located[0][0] - low), abs(located[-1][1] - high))
        rows.append((name, route, density_error, edge_error))
    return rows


def _one_jump(rate, jump):
    from ..laws import Atomic, CompoundFreePoisson

    return CompoundFreePoisson(rate, Atomic(np.array([jump]), np.array([1.0])))


def _network_r(size, seed, ratio=0.5):
    """R = W^T diag(a^2) W of a sampled network (freecalc.quadratic.network), d = size, k = size / ratio."""
    return sample_network(size, round(size / ratio), seed=seed).r_matrix()


def _goe_polynomial(text):
    words = parse_polynomial(text)

    def sampler(size, seed):
        rng = np.random.default_rng(seed)
        letters = sorted({x for w in words for x in w})
        return evaluate_polynomial(words, {x: Semicircle().sample(size, rng) for x in letters})

    return sampler


def monte_carlo_checks(size: int = SIZE, extended: bool = False) -> list[tuple[str, str, float, float, bool]]:
    """Per law: name, matrices, KS(law, eigenvalues at size), drift from size/2 to size, and agreement.

    ``extended`` adds ``x + x y x`` and ``x y z + z y x + x y x + z`` (slower; the benchmark's list).
    """
    sum_law = FreeSum(Semicircle(), FreePoisson(0.5))
    product = FreeProduct(FreePoisson(2.0), bernoulli(0.4))
    cases = [
        ("semicircle ⊞ free Poisson(0.5)", "GOE + Wishart", sum_law, sum_law.sample),
        ("A^(1/2) P A^(1/2), A free Poisson(2), P a projection of trace 0.4", "Wishart, rotated projection",
         product, product.sample),
        ("R = Wᵀ diag(a²) W, d/k = 0.5, Gaussian a", "sampled networks", r_law(0.5), _network_r),
        ("xy + yx, x, y free semicirculars", "two GOE matrices", law_of_expression("x y + y x", SEMI),
         _goe_polynomial("x y + y x")),
    ]
    if extended:
        three = {**SEMI, "z": Semicircle()}
        cases += [(f"{text}, free semicirculars", "GOE matrices", law_of_expression(text, three),
                   _goe_polynomial(text)) for text in ("x + x y x", "x y z + z y x + x y x + z")]
    rows = []
    for name, model, law, sampler in cases:
        half = np.linalg.eigvalsh(sampler(size // 2, 1))
        full = np.linalg.eigvalsh(sampler(size, 2))
        distance, drift = ks_distance(law, full), ks_two_sample(half, full, law.atoms())
        rows.append((name, model, distance, drift, distance < drift + 1 / size))
    return rows


def laws_page() -> tuple[str, str]:
    """The Markdown page (starting with the marker) and its verdict, ``confirmed`` or ``disagrees``."""
    closed = [(name, route, max(density, edge) < TOLERANCE)
              for name, route, density, edge in closed_form_checks()]
    carlo = monte_carlo_checks()
    verdict = "confirmed" if all(r[-1] for r in closed) and all(r[-1] for r in carlo) else "disagrees"
    lines = [
        MARKER, "", "# Laws and densities: subordination and linearization", "",
        "**Statement.** For free A and B, the law of A + B is `G_A(ω₁(z))` with the subordination functions "
        "of `F_A(ω₁) = F_B(ω₂) = ω₁ + ω₂ - z` (Belinschi & Bercovici, J. Anal. Math. 101 (2007), "
        "Theorem 4.1), and that of A^(1/2) B A^(1/2) is given by the multiplicative subordination of their "
        "Theorem 4.3; a self-adjoint polynomial p in free semicirculars has `G_p(z) = G(Λ_ε(z))₁₁` with "
        "`G = (Λ - b₀ - η(G))⁻¹` for a linearization `b₀ + Σ sᵢ ⊗ bᵢ` of p (Belinschi, Mai & Speicher, "
        "J. reine angew. Math. 732 (2017); Helton, Rashidi Far & Speicher, IMRN 2007). freecalc solves "
        "these equations by Newton's method continued from far above the real axis "
        "(`freecalc/laws/solver.py`) and reads densities by Stieltjes inversion, atoms as atoms.", "",
        f"## Against closed forms (tolerance {TOLERANCE:g}, densities farther than 1e-3 from the edges, "
        "edges located by bisection)", "",
        "| law | route | density and edges within tolerance |", "|---|---|---|",
    ]
    lines += [f"| {name} | {route} | {'yes' if ok else 'NO'} |" for name, route, ok in closed]
    lines += [
        "", "Closed forms: semicircle (Nica & Speicher, Lecture 2), Marchenko-Pastur (1967) and free Poisson "
        "laws (Nica & Speicher, Proposition 12.11), the anticommutator `xy + yx = a² - b²` of free "
        "semicirculars with `x G³ + G² - x G + 1 = 0` and edges `±√((11 + 5√5)/2)` (Nica & Speicher, "
        "Lecture 15; Vasilchuk, J. Math. Phys. 44 (2003)).", "",
        f"## Against eigenvalues of sampled matrices (N = {SIZE}, seeds 1 and 2)", "",
        "Kolmogorov-Smirnov distance between the predicted law and the eigenvalues of one N x N matrix, "
        "beside the sampled spectra's own drift (two-sample distance between N/2 and N); the prediction "
        "agrees when its distance is below the drift plus 1/N. `benchmarks/bench_laws.py` repeats this at "
        "N = 4,000.", "",
        "| law | matrices | KS(law, N) | drift N/2 → N | agrees |", "|---|---|---|---|---|",
    ]
    lines += [f"| {name} | {model} | {distance:.2g} | {drift:.2g} | {'yes' if ok else 'NO'} |"
              for name, model, distance, drift, ok in carlo]
    lines += ["", f"**Verdict: {verdict}.**", ""]
    return "\n".join(lines), verdict
