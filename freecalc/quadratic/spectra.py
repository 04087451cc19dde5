r"""Predicted spectra of the early NFM ``C R C`` and AGOP ``C R B R C`` (arXiv:2402.05271, Section 4).

``C = X^T Y X`` and ``B = X^T X`` are fixed d x d matrices (the data), ``R = W^T diag(a^2) W`` is
orthogonally invariant (``W`` Gaussian: ``W O`` has the law of ``W``), hence asymptotically free from the
*pair* {B, C}, whose law is their joint empirical distribution (B and C do not commute); R tends to the
compound free Poisson law of rate ``k/d`` and jumps ``(d/k) a^2`` (:func:`freecalc.laws.r_law`).

* **NFM.** ``C R C = (C R^(1/2)) (R^(1/2) C)`` has the non-zero eigenvalues of ``R^(1/2) C^2 R^(1/2)``, so its
  law is the free multiplicative convolution of the empirical law of ``C^2`` with R's law (Belinschi &
  Bercovici 2007, Theorem 4.3: :class:`~freecalc.laws.FreeProduct`); only C's spectrum enters. It is
  computed here as the polynomial ``C R C`` in the free pair (empirical law of C, R's law) by
  operator-valued subordination (:class:`~freecalc.laws.FreePolynomial`, 3 x 3 pencil), which is faster on
  few atoms and agrees with the free product (tests); its atom at 0 is the free product's,
  ``max(mu_C{0}, mu_R{0})`` (Belinschi 2003, Theorem 4.1).
* **AGOP.** ``C R B R C`` involves B and C jointly. With the self-adjoint linearization ``L`` of the word
  ``C R B R C`` (5 x 5, :mod:`freecalc.laws.linearization`), ``L = b_0 + R (x) b_R + (C (x) b_C + B (x) b_B)``
  is a sum of two terms free with amalgamation over M_5 (R free from {B, C} over the scalars), so
  operator-valued subordination applies (Belinschi, Mai & Speicher, J. reine angew. Math. 732 (2017),
  Theorem 2.2): ``R (x) b_R`` through R's scalar Cauchy transform, and the data block through its exact
  M_5-valued Cauchy transform ``(id (x) tr_d)[(w (x) I_d - C (x) b_C - B (x) b_B)^(-1)]``
  (:class:`~freecalc.laws.operator.MatrixBlock`: one d x d solve per point and Newton step, in C's
  eigenbasis). This is the law of ``C R B R C`` for R free from the data matrices as they are; it is exact
  in the data, and asymptotic only in R. Its atom at 0: the kernel of ``C R B R C = M M^T``,
  ``M = C R B^(1/2)``, is that of ``B^(1/2) R C``, and R in general position with respect to the fixed
  B and C (free from them) gives ``rank(B^(1/2) R C) = min(rank B, rank R, rank C)``, so the mass at 0 is
  ``max(mu_B{0}, mu_R{0}, mu_C{0})`` (as for the free product, Belinschi 2003, Theorem 4.1, when B = I).

Zero is read at a relative size ``ZERO = 1e-9``: observed eigenvalues below ``ZERO`` times the largest count
as 0, and so the data matrices are cut the same way before predicting: eigenvalues of B below ``ZERO``
and of C below ``sqrt(ZERO)`` of their largest are set to 0 (C enters the NFM and AGOP squared). This
turns a data set's near-kernel (e.g. noise 1e-6 below the signal) into the atom at 0 it is in every
observation, instead of a cluster the Stieltjes inversion at height ``1e-13`` of the scale cannot resolve;
it moves the NFM and AGOP by at most ``ZERO`` of their norm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..errors import ParameterError
from ..laws import FreePolynomial, FreeProduct, empirical, r_law
from ..laws.atomic import squared
from ..laws.base import Law
from ..laws.linearization import linearize, parse_polynomial
from ..laws.operator import MatrixBlock, ScalarLetter
from ..laws.opsubordination import corner_cauchy

__all__ = ["ZERO", "snapped", "NfmLaw", "nfm_law", "nfm_free_product", "AgopLaw", "agop_mean", "spectra_work",
           "WORK_LIMIT", "NEWTON_STEPS", "grid_ks", "SpectraRecord", "run_spectra", "plot_spectra",
           "draw_spectra"]

ZERO = 1e-9  # relative size below which eigenvalues count as 0 (module docstring)
WORK_LIMIT = 4e11  # multiply-adds allowed for the AGOP density (about a minute on one core)
NEWTON_STEPS = 40  # Newton steps per point along the path, for the estimate (28-35 measured)


def snapped(matrix: np.ndarray, cut: float) -> tuple[np.ndarray, np.ndarray]:
    """A symmetric matrix with its eigenvalues below ``cut`` times the largest set to 0, and its eigenvalues.

    >>> snapped(np.diag([1.0, 1e-17, -2.0]), 1e-9)[1].tolist()
    [-2.0, 0.0, 1.0]
    """
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    top = float(np.max(np.abs(values))) if values.size else 0.0
    values = np.where(np.abs(values) <= cut * top, 0.0, values)
    return (vectors * values) @ vectors.T, values


@dataclass(frozen=True, eq=False)
class NfmLaw(FreePolynomial):
    """The law of ``C R C`` for C with an atomic law and R positive, free: with its atom at 0."""

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """``(0, max(mu_C{0}, mu_R{0}))`` when positive (the free product's, Belinschi 2003)."""
        mass = max(dict(law.atoms()).get(0.0, 0.0) for law in self.variables.values())
        return ((0.0, mass),) if mass > 0 else ()


def nfm_law(c: np.ndarray, ratio: float, a_law: str = "gaussian") -> Law:
    """The limit law of ``C R C``: the free product of the laws of ``C^2`` and R (module docstring).

    >>> law = nfm_law(np.diag([1.0, 2.0]), 0.5)
    >>> other = nfm_free_product(np.diag([1.0, 2.0]), 0.5)
    >>> round(law.cauchy(10j).item().imag, 9), round(other.cauchy(10j).item().imag, 9)
    (-0.090642872, -0.090642872)
    """
    c_law = empirical(snapped(np.asarray(c, dtype=float), ZERO**0.5)[1])
    return NfmLaw("C R C", {"C": c_law, "R": r_law(ratio, a_law)})


def nfm_free_product(c: np.ndarray, ratio: float, a_law: str = "gaussian") -> Law:
    """The same law as :func:`nfm_law` by scalar subordination: ``FreeProduct(law of C^2, law of R)``."""
    c_squared = squared(empirical(snapped(np.asarray(c, dtype=float), ZERO**0.5)[1]))
    return FreeProduct(c_squared, r_law(ratio, a_law))


@dataclass(frozen=True, eq=False)
class AgopLaw(Law):
    """The law of ``C R B R C`` for fixed symmetric C, B (d x d) and R with the given law, free from them.

    >>> c, b = np.diag([1.0, 2.0]), np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> law = AgopLaw(c, b, r_law(0.5))
    >>> bool(abs(law.moments(1)[0] - agop_mean(c, b, r_law(0.5))) < 1e-8)
    True
    """

    c: np.ndarray
    b: np.ndarray
    r: Law
    _pencil: object = field(init=False, repr=False)

    def __post_init__(self) -> None:
        c, b = np.asarray(self.c, dtype=float), np.asarray(self.b, dtype=float)
        if c.shape != b.shape or c.ndim != 2 or c.shape[0] != c.shape[1]:
            raise ParameterError("C and B must be square matrices of one size")
        object.__setattr__(self, "c", snapped(c, ZERO**0.5)[0])
        object.__setattr__(self, "b", snapped(b, ZERO)[0])
        object.__setattr__(self, "_pencil", linearize(parse_polynomial("C R B R C")))

    @property
    def name(self) -> str:
        """Short description."""
        return f"C R B R C (data d = {self.c.shape[0]}, R ~ {self.r.name})"

    @cached_property
    def letters(self) -> list:
        """``R (x) b_R`` and the data block ``C (x) b_C + B (x) b_B``."""
        m = self._pencil.matrices
        return [ScalarLetter(self.r, m["R"]), MatrixBlock((self.c, self.b), (m["C"], m["B"]))]

    def bounds(self) -> tuple[float, float]:
        """``[min(0, ..), ||C||^2 ||B|| ||R||^2]``: the norm bound of the product."""
        norm_c, norm_b = np.linalg.norm(self.c, 2), np.linalg.norm(self.b, 2)
        r_norm = max(map(abs, self.r.bounds()))
        top = float(norm_c**2 * norm_b * r_norm**2)
        low = 0.0 if np.linalg.eigvalsh(self.b)[0] >= -1e-12 * norm_b and self.r.bounds()[0] >= 0 else -top
        return low, top

    def atoms(self) -> tuple[tuple[float, float], ...]:
        """``(0, max(mu_B{0}, mu_R{0}, mu_C{0}))`` when positive (module docstring)."""
        pairs = ((self.c, ZERO**0.5), (self.b, ZERO))
        kernels = [float(np.mean(snapped(m, cut)[1] == 0)) for m, cut in pairs]
        mass = max(*kernels, dict(self.r.atoms()).get(0.0, 0.0))
        return ((0.0, mass),) if mass > 0 else ()

    @property
    def scale(self) -> float:
        """``4 ||C||^2 ||B|| sqrt(tr R^2)``: of the order of the spectrum's top (the bounds are far looser).

        It sets the Stieltjes inversion's height (``1e-13`` of it) and the band around the atom at 0 where
        the density is not read (``1e-7`` of it, :meth:`Law.density`).
        """
        norm_c, norm_b = np.linalg.norm(self.c, 2), np.linalg.norm(self.b, 2)
        return float(4 * norm_c**2 * norm_b * np.sqrt(self.r.moments(2)[1])) or 1.0

    def work(self, points: int) -> float:
        """Multiply-adds of the density at ``points`` points (the data block dominates)."""
        return NEWTON_STEPS * self.letters[1].work(points)

    def _cauchy(self, z):
        return corner_cauchy(self.letters, self._pencil.constant, z, scale=self.scale,
                             floor=self.relative_eta * self.scale)

    def moments(self, n: int) -> np.ndarray:
        """From ``G`` on a circle around the bounds (:func:`freecalc.laws.polynomial.contour_moments`)."""
        from ..laws.polynomial import contour_moments

        return contour_moments(self, n, 1.5 * max(map(abs, self.bounds())), points=64)

    def sample(self, size: int, seed=None) -> np.ndarray:
        """``C R B R C`` with R sampled from its law (orthogonally invariant); ``size`` must be d."""
        if size != self.c.shape[0]:
            raise ParameterError(f"the AGOP is sampled at the data's size d = {self.c.shape[0]}")
        r = self.r.sample(size, seed)
        out = self.c @ r @ self.b @ r @ self.c
        return (out + out.T) / 2


def agop_mean(c: np.ndarray, b: np.ndarray, r: Law) -> float:
    """``tr(C R B R C) = tr(A R B R)``, ``A = C^2``: ``tr(AB) tr(R)^2 + tr(A) tr(B) (tr(R^2) - tr(R)^2)``.

    Nica & Speicher, Lecture 14 (R free from {A, B}); an independent route for the first moment.
    """
    m1, m2 = r.moments(2)
    d = c.shape[0]
    a = c @ c
    return float(np.trace(a @ b) / d * m1**2 + np.trace(a) / d * np.trace(b) / d * (m2 - m1**2))


def spectra_work(d: int, points: int) -> float:
    """The estimated multiply-adds of the AGOP density at ``points`` points for data of size d."""
    size = 5  # the pencil of C R B R C
    return NEWTON_STEPS * points * (4.0 * d**3 + 2.0 * size**4 * d**2)


def grid_ks(x: np.ndarray, density: np.ndarray, eigenvalues: np.ndarray, zero: float, atom: float = 0.0
            ) -> float:
    """KS distance between eigenvalues and the law ``atom delta_0 + density`` (density on the grid x > 0).

    The predicted distribution function is ``atom + int_0^x density`` (trapezoid rule on the grid, from 0
    at the grid's left end); mass beyond the grid's right end stays beyond it. Eigenvalues below ``zero``
    count at 0.

    >>> x = np.linspace(0.0, 1.0, 1001)[1:]
    >>> round(grid_ks(x, np.ones(1000), np.array([0.25, 0.75]), 1e-12), 3)
    0.251
    """
    pieces = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) * np.diff(x) / 2)])
    values = np.sort(np.where(np.abs(eigenvalues) < zero, 0.0, eigenvalues))
    n = values.size
    inside = np.interp(values, x, pieces, left=0.0)
    cdf = np.where(values < 0, 0.0, atom + np.where(values > 0, inside, 0.0))
    below = np.where(values <= 0, 0.0, cdf)  # just left of each value (0 is the atom's jump)
    return max(float(np.max(np.arange(1, n + 1) / n - cdf)), float(np.max(below - np.arange(n) / n)), 0.0)


@dataclass(frozen=True)
class SpectraRecord:
    """Predicted densities of the NFM and AGOP on grids, and one sampled network's eigenvalues.

    Round-off zeros of the eigenvalues (below ``ZERO`` times the largest) are stored as 0.
    """

    n: int
    d: int
    k: int
    dataset: str
    nfm_x: np.ndarray
    nfm_density: np.ndarray
    nfm_eigenvalues: np.ndarray
    agop_x: np.ndarray | None  # None: the AGOP's prediction was over its work limit (``agop_note`` says why)
    agop_density: np.ndarray | None
    agop_eigenvalues: np.ndarray
    work: float
    nfm_atom: float = 0.0
    agop_atom: float = 0.0
    agop_note: str = ""

    @property
    def predicted(self) -> tuple[str, ...]:
        """The matrices whose densities were predicted: ``nfm``, and ``agop`` within its work limit."""
        return ("nfm",) if self.agop_density is None else ("nfm", "agop")

    def ks(self) -> dict[str, tuple[float, float, float]]:
        """Per predicted matrix: KS distance, predicted atom at 0, observed share of zero eigenvalues."""
        out = {}
        for name in self.predicted:
            x, dens, eig, atom = (getattr(self, f"{name}_{part}") for part in ("x", "density", "eigenvalues",
                                                                                "atom"))
            zero = ZERO * float(np.max(np.abs(eig)))
            out[name] = (grid_ks(x, dens, eig, zero, atom), atom, float(np.mean(np.abs(eig) < zero)))
        return out

    def to_dict(self) -> dict:
        """JSON payload."""
        ks = self.ks()
        out = {"n": self.n, "d": self.d, "k": self.k, "dataset": self.dataset, "work": self.work,
               **{name: {"x": getattr(self, f"{name}_x").tolist(),
                         "density": getattr(self, f"{name}_density").tolist(),
                         "eigenvalues": getattr(self, f"{name}_eigenvalues").tolist(),
                         "ks": ks[name][0], "predicted_zero_mass": ks[name][1],
                         "observed_zero_share": ks[name][2]}
                  for name in self.predicted}}
        if "agop" not in self.predicted:
            out["agop"] = {"eigenvalues": self.agop_eigenvalues.tolist(), "note": self.agop_note}
        return out


def _grid(eigenvalues: np.ndarray, points: int) -> np.ndarray:
    """``points`` points on ``(0, 1.5 max]``: half geometric from ``ZERO`` of the top, half uniform.

    The spectra spread over decades and the densities can have integrable singularities at 0, whose mass
    the geometric half catches; the grid's trapezoid integral then leaves at 0 only the mass that the
    prediction puts there.
    """
    top = 1.5 * float(np.max(eigenvalues))
    half = points // 2
    grid = np.concatenate([np.geomspace(ZERO, 1.0, half, endpoint=False),
                           np.arange(1, points - half + 1) / (points - half)])
    return top * np.sort(grid)


SPECTRA_STAGES = 4  # data, network and its spectra, NFM density, AGOP density: one progress step each


def run_spectra(config, points: int = 200, work_limit: float = WORK_LIMIT,
                progress: Callable[[int], None] | None = None) -> SpectraRecord:
    """Load the data of ``config`` (a :class:`~.workflow.PredictionConfig`), sample one network, predict.

    The NFM is always predicted; the AGOP's density, whose cost :func:`spectra_work` estimates before any
    work, is left out with a note when the estimate exceeds ``work_limit`` (its eigenvalues are still
    observed: one product and one eigendecomposition). ``progress(1)`` is called after each of the
    :data:`SPECTRA_STAGES` stages.
    """
    step = progress or (lambda done: None)
    from .network import sample_network
    from .predict import data_matrices
    from .workflow import _load

    data = _load(config, True)
    mats = data_matrices(data.X, data.y)
    c, b = (np.asarray(mats[key], dtype=float) for key in ("C", "B"))
    d = c.shape[0]
    estimate = spectra_work(d, points)
    note = _too_big(d, points, estimate, work_limit) if estimate > work_limit else ""
    step(1)
    network = sample_network(d, config.k, a_law=config.a_law, seed=config.seed)
    r = network.r_matrix()
    nfm = c @ r @ c
    agop = c @ r @ b @ r @ c
    nfm_eig, agop_eig = _observed_spectrum(nfm), _observed_spectrum(agop)
    step(1)
    r_limit = r_law(d / config.k, config.a_law)
    nfm = nfm_law(c, d / config.k, config.a_law)
    nfm_x = _grid(nfm_eig, points)
    nfm_density, nfm_atom = nfm.density(nfm_x), dict(nfm.atoms()).get(0.0, 0.0)
    step(1)
    agop_x = agop_density = None
    agop_atom = 0.0
    if not note:
        agop = AgopLaw(c, b, r_limit)
        agop_x = _grid(agop_eig, points)
        agop_density, agop_atom = agop.density(agop_x), dict(agop.atoms()).get(0.0, 0.0)
    step(1)
    return SpectraRecord(data.n, d, config.k, data.name, nfm_x, nfm_density, nfm_eig, agop_x, agop_density,
                         agop_eig, estimate, nfm_atom, agop_atom, note)


def _observed_spectrum(matrix: np.ndarray) -> np.ndarray:
    """Eigenvalues of the symmetric part; those below ``ZERO`` times the largest are read as 0."""
    eigenvalues = np.linalg.eigvalsh((matrix + matrix.T) / 2)
    return np.where(np.abs(eigenvalues) < ZERO * np.max(np.abs(eigenvalues)), 0.0, eigenvalues)


def _too_big(d: int, points: int, estimate: float, limit: float) -> str:
    largest = d
    while largest > 1 and spectra_work(largest, points) > limit:
        largest -= 1
    return (f"not computed: the AGOP density at d = {d} needs about {estimate:.1e} multiply-adds ({points} "
            f"points, O(d^3) each; limit {limit:.0e}); use --d {largest} or less, or fewer --points")


def plot_spectra(record: SpectraRecord, path) -> str:
    """The figure of :func:`draw_spectra`, saved as PNG; returns the path."""
    from ..plots import save_figure

    return str(save_figure(draw_spectra(record), path, 120))


def draw_spectra(record: SpectraRecord):
    """Two panels: the predicted NFM and AGOP densities over histograms of the sampled network's eigenvalues.

    Both spectra spread over decades, so the axis is ``log10`` of the eigenvalue and the densities are those
    of ``log10 x``: ``ln(10) x f(x)``, against histograms with logarithmic bins (about 6 eigenvalues per bin,
    12 to 60 bins). Zero eigenvalues are left out and the histograms scaled by 1/d, so that they compare with
    the continuous parts; the masses at 0 are written in the titles. Returns the matplotlib figure (Agg),
    which the caller closes.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = record.ks()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, name, title in zip(axes, ("nfm", "agop"), ("NFM  C R C", "AGOP  C R B R C"), strict=True):
        x, dens, eig = (getattr(record, f"{name}_{part}") for part in ("x", "density", "eigenvalues"))
        if name not in record.predicted:
            ax.set_axis_off()
            ax.text(0.5, 0.5, f"{title}: prediction {record.agop_note}", ha="center", va="center",
                    wrap=True, fontsize=8, transform=ax.transAxes)
            continue
        zero = ZERO * float(np.max(np.abs(eig)))
        rest = eig[eig >= zero]
        if rest.size:
            logs = np.log10(rest)
            counts, edges = np.histogram(logs, bins=min(60, max(12, rest.size // 6)))
            ax.stairs(counts / (eig.size * np.diff(edges)), edges, fill=True, color="tab:blue", alpha=0.35,
                      label=f"eigenvalues of one sampled network (d = {record.d})")
        shown = x >= (10 ** edges[0] / 10 if rest.size else 0)
        ax.plot(np.log10(x[shown]), np.log(10) * x[shown] * dens[shown], color="tab:red", lw=1.5,
                label="free-probability prediction")
        distance, predicted_zero, observed_zero = ks[name]
        ax.set(title=f"{title}: mass at 0 {predicted_zero:.3f} (sampled {observed_zero:.3f}), "
               f"KS {distance:.3f}", xlabel="log10 eigenvalue", ylabel="density of log10 eigenvalue")
        ax.title.set_fontsize(9)
        ax.legend(fontsize=8)
    fig.suptitle(f"{record.dataset}, n = {record.n}, d = {record.d}, k = {record.k}", fontsize=10)
    fig.tight_layout()
    return fig
