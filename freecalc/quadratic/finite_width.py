"""The C-NFC of one network at finite width and dimension: its mean and spread over networks, by reduction.

The observed early-time C-NFC of ``f(x) = a^T (W x)^2`` is the correlation of ``G = C R C`` and
``H = C R B R C`` (:mod:`freecalc.quadratic.words`), ``R = W^T diag(a^2) W``. The free-probability limit
(:func:`freecalc.quadratic.predict.predict`) misses terms of order 1/d and the spread over networks; this
module samples the law of rho itself, without any k x d or d x d random matrix.

**Reduction.** Everything the C-NFC needs is a trace of the ``k x k`` matrices ``A = diag(a^2)``,
``M = W C^2 W^T`` and ``N = W B W^T``. Split ``W`` along an orthonormal ``V`` (d x r) and its complement:
the part of ``M`` and ``N`` seen through ``V``, and their cross terms with the complement (all but trailing
directions that together carry at most ``cross_tolerance`` = 1e-3 of the data's energy), are sampled from
``k x q`` Gaussian blocks (q <= 3r + 1); the rest, ``W2 T W2^T`` with ``T`` the data's second
moments outside ``V``, is averaged as a free compound Poisson tail (:mod:`.reduced_draws`, with the formulas
and references).

**Subspace.** ``V`` is all of R^d when ``d <= max_rank``; the row space of X when ``rank X <= max_rank`` (then
there is no tail and the draws have exactly the law of the network's C-NFC); otherwise the span of the
dominant eigenvectors of C (by |eigenvalue|) and of B, from randomized subspace iteration (Halko, Martinsson
& Tropp, SIAM Review 53 (2011), Algorithm 4.4). The report gives the tail's share of ``tr(C^4)`` and of
``tr(B^2)`` and its effective rank ``(tr T)^2 / tr(T^2)``: the free treatment of the tail is an
approximation in the number of directions it spreads over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import DataError, ParameterError, WorkLimitError
from ..numeric.haar import stream
from ..numeric.resources import FINITE_WIDTH_RANK
from .network import CORRELATIONS, sample_network, velocity_cnfc
from .predict import data_matrices
from .readout import A_LAWS
from .reduced_draws import CROSS_TOLERANCE, reduced_draws, with_canonical_signs

__all__ = ["FiniteWidthPrediction", "finite_width_prediction", "reduced_basis", "observe_networks"]

OVERSAMPLE = 8  # extra columns of the randomized range finder (Halko et al. 2011, Section 4.2)
POWER_STEPS = 3  # subspace iterations (Halko et al. 2011, Algorithm 4.4)
MAX_TAIL_SHARE_PER_RANK = 0.02  # see FiniteWidthPrediction.reliable
NEGLIGIBLE_TAIL = 1e-6  # a tail this small (rounding of a subspace that holds the data) needs no check


@dataclass(frozen=True)
class FiniteWidthPrediction:
    """Mean and standard deviation of the C-NFC over networks of width k, from reduced draws."""

    mean: float
    sd: float
    mean_se: float  # Monte Carlo standard error of the mean
    sd_se: float  # Monte Carlo standard error of the sd (delta method with the sample kurtosis)
    rank: int  # dimension r of the subspace the draws live in
    exact: bool  # whether the reduction is exact (r = d or r = rank X): no tail
    tail_share: float  # largest share of tr(C^4), tr(B^2) carried by the averaged tail; 0 when exact
    tail_rank: float  # smallest effective rank (tr T)^2 / tr(T^2) of the tails; inf when there is none
    draws: int
    kind: str

    @property
    def reliable(self) -> bool:
        """Exact, or a tail whose share per effective direction is at most ``MAX_TAIL_SHARE_PER_RANK``.

        Measured against 400 sampled networks (three data sets at d = k = 48, r = 4, 8, 16): gaps of at most
        1.8 standard errors up to a share per direction of 0.024, and of 3.5 to 7.4 from 0.028 on; the data
        sets at d = 128 to 1024 with r = 48 have 0.004 or less and gaps under 2.1.
        """
        if self.exact or self.tail_share <= NEGLIGIBLE_TAIL:
            return True
        return self.tail_rank > 0 and self.tail_share / self.tail_rank <= MAX_TAIL_SHARE_PER_RANK


def _orthonormal(columns: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """An orthonormal basis of the span of the columns (SVD, dropping relatively tiny directions)."""
    left, values, _ = np.linalg.svd(columns, full_matrices=False)
    left = with_canonical_signs(left)
    return left[:, values > tol * values[0]] if values.size and values[0] > 0 else left[:, :0]


def _dominant(matrix: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Orthonormal d x count basis of the dominant eigenvectors of a symmetric matrix (by |eigenvalue|)."""
    basis = np.linalg.qr(matrix @ rng.standard_normal((matrix.shape[0], count + OVERSAMPLE)))[0]
    for _ in range(POWER_STEPS):
        basis = np.linalg.qr(matrix @ basis)[0]
    values, vectors = np.linalg.eigh(basis.T @ matrix @ basis)  # Rayleigh-Ritz
    order = np.argsort(-np.abs(values))[:count]
    return with_canonical_signs(basis @ vectors[:, order])


def reduced_basis(X: np.ndarray, C: np.ndarray, B: np.ndarray, max_rank: int,
                  rng: np.random.Generator) -> tuple[np.ndarray | None, bool]:
    """``(V, exact)``: the subspace of the reduction (module notes).

    None (the identity) when d <= max_rank, the row space of X when its rank is at most max_rank (exact),
    else the span of the dominant eigenvectors of C and of B (half each).
    """
    n, d = X.shape
    if d <= max_rank:
        return None, True
    if n <= max_rank:
        _, values, rows = np.linalg.svd(np.asarray(X, dtype=float), full_matrices=False)
        keep = values > 1e-12 * values[0] * max(n, d)
        return with_canonical_signs(rows[keep].T), True
    half = max_rank // 2
    with threadpool_limits(limits=1, user_api="blas"):  # tall, thin products: see reduced_draws
        V = _orthonormal(np.hstack([_dominant(C, max_rank - half, rng), _dominant(B, half, rng)]))
    return V, False


def _formed_grams(X: np.ndarray, y: np.ndarray,
                  grams: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """``grams`` when given, else ``(C, B)`` formed (and X checked) by :func:`~.predict.data_matrices`."""
    if grams is not None:
        return grams
    mats = data_matrices(X, y)
    return mats["C"], mats["B"]


def _float64_grams(X: np.ndarray, y: np.ndarray,
                   grams: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_formed_grams` in float64 (the reduced construction's spectral work runs in double)."""
    C, B = _formed_grams(X, y, grams)
    return np.asarray(C, dtype=float), np.asarray(B, dtype=float)


FINITE_WIDTH_MAX_STEPS = 200_000_000_000  # multiply-adds of the reduced draws, by default


def finite_width_steps(d: int, k: int, draws: int, max_rank: int = FINITE_WIDTH_RANK) -> int:
    """Multiply-adds of the reduced draws: ``draws * 4 * k * q^2`` for the four Grams ``L^T A^g L`` (k x q).

    ``q <= 3 r + 1`` columns with ``r = min(d, max_rank)`` (module notes of :mod:`.reduced_draws`).

    >>> finite_width_steps(1024, 1024, 400)
    34447360000
    """
    q = 3 * min(d, max_rank) + 1
    return draws * 4 * k * q * q


def finite_width_prediction(X: np.ndarray, y: np.ndarray, *, k: int, a_law: str = "gaussian",
                            kind: str = "cosine", draws: int = 400, max_rank: int = FINITE_WIDTH_RANK,
                            seed: int | np.random.Generator | None = 0,
                            grams: tuple[np.ndarray, np.ndarray] | None = None,
                            cross_tolerance: float = CROSS_TOLERANCE,
                            c_squared: np.ndarray | None = None,
                            progress: Callable[[int], None] | None = None,
                            max_steps: int | None = FINITE_WIDTH_MAX_STEPS) -> FiniteWidthPrediction:
    """Mean and standard deviation of the early-time C-NFC over networks of width k on (X, y).

    Samples the reduced construction of the module notes: exact in law when ``d <= max_rank`` or
    ``rank X <= max_rank``; otherwise a subspace of dimension ``max_rank`` is sampled and the rest averaged
    as a free tail, whose share and effective rank are reported.

    Args:
        X: (n, d) inputs.
        y: (n,) labels.
        k: width of the network.
        a_law: readout law, ``gaussian`` (the paper's), ``rademacher`` or ``uniform``.
        kind: ``cosine`` (the paper's text) or ``pearson`` (its code).
        draws: number of reduced networks sampled (at least 2).
        max_rank: largest subspace dimension r (at least 2).
        seed: seed or generator (the ``finite-width`` stream).
        grams: ``(C, B) = (X^T diag(y) X, X^T X)`` if already formed (e.g. ``DataStatistics.grams``).
        cross_tolerance: share of the energy of ``C^2``, ``B`` and ``C 1`` that the cross directions left
            out of the draws may carry (:func:`~.reduced_draws.cross_root`); 0 keeps them all.
        c_squared: ``C^2`` of these Grams if already formed (``DataStatistics.c_squared``).
        progress: called with the number of draws done, batch by batch.
        max_steps: refuse (one line, before drawing) when :func:`finite_width_steps` exceeds it.

    Returns:
        A :class:`FiniteWidthPrediction`.
    """
    if kind not in CORRELATIONS:
        raise ParameterError(f"unknown correlation {kind!r}; choose cosine or pearson")
    if a_law not in A_LAWS:
        raise ParameterError(f"unknown law of a {a_law!r}; choose one of {', '.join(A_LAWS)}")
    if not (isinstance(k, (int, np.integer)) and k >= 1):
        raise ParameterError(f"the width k must be a positive integer, got {k!r}")
    if not (isinstance(draws, (int, np.integer)) and draws >= 2):
        raise ParameterError(f"need at least 2 draws, got {draws!r}")
    if not (isinstance(max_rank, (int, np.integer)) and max_rank >= 2):
        raise ParameterError(f"the largest rank must be an integer >= 2, got {max_rank!r}")
    if isinstance(cross_tolerance, bool) or not (isinstance(cross_tolerance, Real) and cross_tolerance >= 0):
        raise ParameterError(f"the cross tolerance must be a number >= 0, got {cross_tolerance!r}")
    steps = finite_width_steps(X.shape[1], k, draws, max_rank)
    if max_steps is not None and steps > max_steps:
        raise WorkLimitError(f"the finite-width prediction needs about {steps:,} steps ({draws} draws of "
                             f"k x q blocks, k = {k}), over the limit of {max_steps:,}; raise it with "
                             "--max-steps or lower --k")
    C, B = _float64_grams(X, y, grams)
    if not np.any(C):
        raise DataError("X^T diag(y) X is zero (all labels zero?): the C-NFC is undefined")
    d = C.shape[0]
    rng = stream(seed, "finite-width")
    V, exact = reduced_basis(np.asarray(X), C, B, max_rank, rng)
    draws_ = reduced_draws(C, B, V, k=k, draws=draws, rng=rng, a_law=a_law, kind=kind, exact=exact,
                           cross_tolerance=cross_tolerance, c_squared=c_squared, progress=progress)
    rho = draws_.values
    mean, sd = float(rho.mean()), float(rho.std(ddof=1))
    kurtosis = float(np.mean((rho - mean) ** 4) / sd**4) if sd > 0 else 1.0
    sd_se = sd * np.sqrt(max(kurtosis - 1.0, 0.0) / (4 * draws))
    rank = d if V is None else V.shape[1]
    return FiniteWidthPrediction(mean, sd, sd / np.sqrt(draws), float(sd_se), rank, exact, draws_.tail_share,
                                 draws_.tail_rank, draws, kind)


@dataclass(frozen=True)
class ObservedSpread:
    """The C-NFC measured on S independently sampled networks: mean, standard deviation, standard error."""

    mean: float
    sd: float
    se: float
    networks: int


def observe_networks(X: np.ndarray, y: np.ndarray, *, k: int, networks: int, a_law: str = "gaussian",
                     kind: str = "cosine", seed=0,
                     grams: tuple[np.ndarray, np.ndarray] | None = None,
                     progress: Callable[[int], None] | None = None) -> ObservedSpread:
    """Sample ``networks`` networks (:func:`~freecalc.quadratic.network.sample_network`) and measure each.

    ``grams`` are the data Grams ``(C, B)`` if already formed; otherwise they are formed once here.
    ``progress`` is called with 1 after each network.
    """
    if networks < 2:
        raise ParameterError(f"--networks needs at least 2 networks for a spread, got {networks}")
    rng = stream(seed, "observed networks")
    grams = _formed_grams(X, y, grams)
    values = np.empty(networks)
    for index in range(networks):
        values[index] = velocity_cnfc(sample_network(X.shape[1], k, a_law=a_law, seed=rng), X, y, kind=kind,
                                      grams=grams)
        if progress is not None:
            progress(1)
    sd = float(values.std(ddof=1))
    return ObservedSpread(float(values.mean()), sd, sd / np.sqrt(networks), networks)
