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
    FreePolynomial,
    FreeProduct,
    FreeSum,
    Semicircle,
    SemicircularPolynomial,
    bernoulli,
    empirical,
    law_of_expression,
    r_law,
)
from ..laws.atomic import squared
from ..laws.base import Law
from ..laws.compare import ks_distance, ks_two_sample
from ..laws.linearization import evaluate_polynomial, parse_polynomial
from ..laws.support import locate_support
from ..quadratic.network import sample_network
from .catalogue import MARKER

__all__ = ["laws_page", "closed_form_checks", "monte_carlo_checks", "polynomial_checks", "spectra_checks"]

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
        ("anticommutator xy + yx", "linearization, operator-valued subordination", FreePolynomial(
            "x y + y x", SEMI), _anticommutator, (-EDGE, EDGE)),
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

    ``extended`` adds ``x + x y x`` and ``x y z + z y x + x y x + z`` in semicirculars, and three polynomials
    in letters of other laws (slower; the benchmark's list).
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
        spectrum = np.random.default_rng(3).gamma(2.0, size=400) - 1.0
        for text, laws, model in (
                ("x + x y x", {"x": Semicircle(), "y": FreePoisson(0.5)}, "GOE, rotated Wishart"),
                ("x y + y x", {"x": Semicircle(), "y": empirical(spectrum)}, "GOE, rotated fixed spectrum"),
                ("x y x + y", {"x": Semicircle(), "y": r_law(0.5)}, "GOE, W^T diag(a^2) W")):
            law = FreePolynomial(text, laws)
            names = ", ".join(f"{x} {v.name}" for x, v in laws.items())
            cases.append((f"{text}, {names} (operator-valued subordination)", model, law, law.sample))
    rows = []
    for name, model, law, sampler in cases:
        half = np.linalg.eigvalsh(sampler(size // 2, 1))
        full = np.linalg.eigvalsh(sampler(size, 2))
        distance, drift = ks_distance(law, full), ks_two_sample(half, full, law.atoms())
        rows.append((name, model, distance, drift, distance < drift + 1 / size))
    return rows


def polynomial_checks() -> list[tuple[str, str, bool]]:
    """Operator-valued subordination against independent routes: name, route compared, agreement (1e-8)."""
    rows = []
    x = np.linspace(-6, 6, 96) + 1e-12j  # no point at 0, a singular point of x + x y x
    three = {**SEMI, "z": Semicircle(2.0)}
    for text in ("x + x y x", "x y z + z y x + x y x + z"):
        general, special = FreePolynomial(text, three), SemicircularPolynomial(text, three)
        error = float(np.max(np.abs(general.cauchy(x) - special.cauchy(x))))
        rows.append((f"{text}, free semicirculars", "the M_n-valued semicircle equation", error < TOLERANCE))
    x_law, y_law = empirical(np.array([-1.0, 0.5, 2.0])), FreePoisson(1.5)
    z = np.array([0.5 + 0.5j, 3 + 0.2j, 8 + 1j, -1 + 0.3j])
    general = FreePolynomial("x y x", {"x": x_law, "y": y_law}).cauchy(z)
    product = FreeProduct(squared(x_law), y_law).cauchy(z)
    rows.append(("x y x, x empirical (3 atoms), y free Poisson(1.5)", "scalar subordination for y^(1/2) x² "
                 "y^(1/2)", float(np.max(np.abs(general / product - 1))) < TOLERANCE))
    return rows


def spectra_checks(size: int = SIZE) -> list[tuple[str, str, float, float, bool]]:
    """Polynomials in letters of any laws, and the NFM and AGOP, against sampled matrices (as above).

    The NFM and AGOP are fixed-data matrices (d = size / 2 for the NFM, 48 for the AGOP, whose density costs
    ``O(d^3)`` per point): their drift is the two-sample distance between two sampled networks, and their
    predicted distribution function is integrated on a grid (:func:`freecalc.quadratic.spectra.grid_ks`).
    """
    from ..datasets import make_dataset
    from ..quadratic.predict import data_matrices
    from ..quadratic.spectra import AgopLaw, grid_ks, nfm_law

    rows = []
    law = FreePolynomial("x + x y x", {"x": Semicircle(), "y": FreePoisson(0.5)})
    half, full = np.linalg.eigvalsh(law.sample(size // 2, 1)), np.linalg.eigvalsh(law.sample(size, 2))
    distance, drift = ks_distance(law, full), ks_two_sample(half, full)
    rows.append(("x + x y x, x semicircle, y free Poisson(0.5)", "GOE, rotated Wishart", distance, drift,
                 distance < drift + 1 / size))
    for name, d, build in (("NFM C R C", size // 2, lambda c, b, d, k: nfm_law(c, d / k)),
                           ("AGOP C R B R C", 48, lambda c, b, d, k: AgopLaw(c, b, r_law(d / k)))):
        data = make_dataset("alignment-reversing", n=2 * d, d=d, seed=0)
        mats = data_matrices(data.X, data.y)
        c, b = (np.asarray(mats[key], dtype=float) for key in ("C", "B"))
        spectra = []
        for seed in (1, 2):
            r = sample_network(d, 2 * d, seed=seed).r_matrix()
            matrix = c @ r @ c if name.startswith("NFM") else c @ r @ b @ r @ c
            spectra.append(np.linalg.eigvalsh((matrix + matrix.T) / 2))
        top = 1.5 * max(s.max() for s in spectra)
        x = top * np.sort(np.concatenate([np.geomspace(1e-9, 1, 100, endpoint=False),
                                          np.linspace(0.01, 1, 100)]))
        law = build(c, b, d, 2 * d)
        density, atom = law.density(x), dict(law.atoms()).get(0.0, 0.0)
        distance = max(grid_ks(x, density, s, 1e-9 * s.max(), atom) for s in spectra)
        drift = ks_two_sample(*spectra)
        rows.append((f"{name}, alignment-reversing data n = {2 * d}, d = {d}, k = {2 * d}",
                     "two sampled networks", distance, drift, distance < drift + 2 / d))
    return rows


def _check_rows(rows) -> list[str]:
    """Table rows ``| name | route | yes/NO |`` of checks against a closed form or a second route."""
    return [f"| {name} | {route} | {'yes' if ok else 'NO'} |" for name, route, ok in rows]


def _ks_rows(rows) -> list[str]:
    """Table rows ``| name | matrices | KS | drift | yes/NO |`` of checks against sampled eigenvalues."""
    return [f"| {name} | {model} | {distance:.2g} | {drift:.2g} | {'yes' if ok else 'NO'} |"
            for name, model, distance, drift, ok in rows]


def laws_page() -> tuple[str, str]:
    """The Markdown page (starting with the marker) and its verdict, ``confirmed`` or ``disagrees``."""
    closed = [(name, route, max(density, edge) < TOLERANCE)
              for name, route, density, edge in closed_form_checks()]
    carlo = monte_carlo_checks()
    polynomials, spectra = polynomial_checks(), spectra_checks()
    verdict = "confirmed" if all(r[-1] for r in closed + carlo + polynomials + spectra) else "disagrees"
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
    lines += _check_rows(closed)
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
    lines += _ks_rows(carlo)
    lines += [
        "", "## Polynomials in free variables of any laws: operator-valued subordination", "",
        "For a linearization `L = b₀ + Σ xᵢ ⊗ bᵢ` of p with free `xᵢ` of any laws, the terms `xᵢ ⊗ bᵢ` are "
        "free with amalgamation over Mₙ, with Mₙ-valued Cauchy transforms `Gᵢ(w) = ∫ (w - t bᵢ)⁻¹ dμᵢ(t)`, "
        "computed exactly from μᵢ's scalar Cauchy transform at the r = rank bᵢ points `1/λⱼ`, λⱼ the "
        "eigenvalues of `D Uᵀ w⁻¹ U` (`bᵢ = U D Uᵀ`, Woodbury): `∫ t/(1 - tλ) dμ = ζ(ζ G_μ(ζ) - 1)`, ζ = 1/λ "
        "(`freecalc/laws/operator.py`). The subordination functions solve `ωᵢ = B + Σ_(j≠i) hⱼ(ωⱼ)`, "
        "`h(w) = G(w)⁻¹ - w`, `G_L = Gᵢ(ωᵢ)` (Belinschi, Mai & Speicher 2017, Theorem 2.2), by Newton's "
        "method continued from far above the axis (`freecalc/laws/opsubordination.py`).", "",
        f"| polynomial | compared with | within {TOLERANCE:g} |", "|---|---|---|",
    ]
    lines += _check_rows(polynomials)
    lines += [
        "", "## The spectra of the early NFM and AGOP", "",
        "`C R C` has the non-zero spectrum of `R^(1/2) C² R^(1/2)`: the free product of the laws of C² and "
        "R. `C R B R C` involves the data pair {B, C} jointly (they do not commute): in its 5 x 5 "
        "linearization the pair is one term whose Mₙ-valued Cauchy transform `(id ⊗ tr)[(w ⊗ I - C ⊗ b_C - "
        "B ⊗ b_B)⁻¹]` is computed exactly (one d x d solve per point, in C's eigenbasis), free over M₅ from "
        "`R ⊗ b_R` (`freecalc/quadratic/spectra.py`; `freecalc predict --spectra --plot FILE`). Below, the "
        "KS distance of the prediction (the larger over two sampled networks on the same data, eigenvalues "
        "below 1e-9 of the largest counted as 0) beside the two networks' own distance; agreement when the "
        "distance is below that drift plus 1/N (2/d for the fixed-data matrices).", "",
        "| law | matrices | KS(law, N) | drift | agrees |", "|---|---|---|---|---|",
    ]
    lines += _ks_rows(spectra)
    lines += ["", f"**Verdict: {verdict}.**", ""]
    return "\n".join(lines), verdict
