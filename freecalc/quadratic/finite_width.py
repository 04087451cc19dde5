"""The C-NFC of one network at finite width and dimension: its mean and spread over networks, by reduction.

The observed early-time C-NFC of ``f(x) = a^T (W x)^2`` is the correlation of ``G = C R C`` and
``H = C R B R C`` (:mod:`freecalc.quadratic.words`), ``R = W^T diag(a^2) W``. The free-probability limit
(:func:`freecalc.quadratic.predict.predict`) misses terms of order 1/d and the spread over networks; this
module samples the law of rho itself, without any k x d or d x d random matrix.

**Reduction to the data subspace.** Let ``V`` (d x r, orthonormal columns) span a subspace and
``W = [W1, W2]`` in the basis ``(V, V_perp)``: ``W1 = W V`` (k x r) and ``W2`` are independent with i.i.d.
``N(0, 1/k)`` entries (rotation invariance of the Gaussian matrix). When ``V`` contains the range of
``B = X^T X`` (hence of ``C = X^T Y X``), ``G`` and ``H`` are ``V G_r V^T`` and ``V H_r V^T`` with
``G_r = C_r R_r C_r``, ``H_r = C_r R_r B_r R_r C_r``, ``C_r = V^T C V``, ``B_r = V^T B V`` and
``R_r = W1^T diag(a^2) W1``: the same construction with d replaced by r, exactly. This holds with
``r = d`` (d small), or ``r = rank X`` (n small).

**Truncation** (r < rank X). ``V`` is the span of the dominant eigenvectors of C (by |eigenvalue|) and of
B, from randomized subspace iteration (Halko, Martinsson & Tropp, SIAM Review 53 (2011), Algorithm 4.4).
C's part outside ``V`` is dropped; B's is kept to the order that matters. With ``M = W B W^T`` (k x k) and
``A = diag(a^2)``, ``V^T R B R V = U^T M U`` with ``U = A W1``, and
``M = W1 B_r W1^T + W1 N^T + N W1^T + W2 B_22 W2^T`` where ``N = W2 B_21`` (k x r) has i.i.d. rows
``N(0, B_12 B_21 / k)``, ``B_12 B_21 = V^T B^2 V - B_r^2``, independent of ``W1``; it is sampled exactly.
The last term is replaced by its mean ``tr(B_22) / k I_k`` (``tr(B_22) = tr(B) - tr(B_r)``), which keeps
its first-order effect (the free prediction's) and drops its fluctuation. The truncation estimate is the
largest relative loss of the three traces at ``R = I`` (``tr(C^4)``, ``tr(C^4 B)``, ``tr(C^2 B C^2 B)``)
when C and B are compressed to ``V``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError, ParameterError
from ..numeric.haar import stream
from .network import CORRELATIONS
from .predict import data_matrices
from .readout import A_LAWS, sample_readout
from .words import correlation_from_traces

__all__ = ["FiniteWidthPrediction", "finite_width_prediction", "reduced_basis", "reduced_correlations"]

BATCH_ENTRIES = 4_000_000  # random numbers per batch of draws (k x r blocks), about 32 MB
OVERSAMPLE = 8  # extra columns of the randomized range finder (Halko et al. 2011, Section 4.2)
POWER_STEPS = 3  # subspace iterations (Halko et al. 2011, Algorithm 4.4)


@dataclass(frozen=True)
class FiniteWidthPrediction:
    """Mean and standard deviation of the C-NFC over networks of width k, from reduced draws."""

    mean: float
    sd: float
    mean_se: float  # Monte Carlo standard error of the mean
    sd_se: float  # Monte Carlo standard error of the sd (delta method with the sample kurtosis)
    rank: int  # dimension r of the subspace the draws live in
    exact: bool  # whether the reduction is exact (r = d or r = rank X)
    truncation: float  # largest relative loss of the R = I traces; 0 when exact
    draws: int
    kind: str

    @property
    def reliable(self) -> bool:
        """Exact, or truncated with at most 1% of the traces lost.

        Beyond that the mean is biased by several standard errors: measured gaps of 3-13 se at truncation
        0.03-0.14 on isotropic data at d = 128.
        """
        return self.exact or self.truncation <= 0.01


def _orthonormal(columns: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """An orthonormal basis of the span of the columns (SVD, dropping relatively tiny directions)."""
    left, values, _ = np.linalg.svd(columns, full_matrices=False)
    return left[:, values > tol * values[0]] if values.size and values[0] > 0 else left[:, :0]


def _dominant(matrix: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Orthonormal d x count basis of the dominant eigenvectors of a symmetric matrix (by |eigenvalue|)."""
    basis = np.linalg.qr(matrix @ rng.standard_normal((matrix.shape[0], count + OVERSAMPLE)))[0]
    for _ in range(POWER_STEPS):
        basis = np.linalg.qr(matrix @ basis)[0]
    values, vectors = np.linalg.eigh(basis.T @ matrix @ basis)  # Rayleigh-Ritz
    order = np.argsort(-np.abs(values))[:count]
    return basis @ vectors[:, order]


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
        return rows[keep].T, True
    half = max_rank // 2
    V = _orthonormal(np.hstack([_dominant(C, max_rank - half, rng), _dominant(B, half, rng)]))
    return V, False


def _truncation(C: np.ndarray, B: np.ndarray, V: np.ndarray) -> float:
    """Largest relative loss of tr(C^4), tr(C^4 B), tr(C^2 B C^2 B) when C, B are compressed to V."""
    def traces(c: np.ndarray, b: np.ndarray) -> np.ndarray:
        c2 = c @ c
        c2b = c2 @ b
        return np.array([np.vdot(c2, c2), np.vdot(c2, c2b), np.vdot(c2b, c2b.T)])

    full = traces(C, B)
    part = traces(V.T @ C @ V, V.T @ B @ V)
    return float(np.max(np.abs(1.0 - part / np.where(full == 0, 1.0, full))))


def reduced_correlations(C_r: np.ndarray, B_r: np.ndarray, *, k: int, draws: int, rng: np.random.Generator,
                         a_law: str = "gaussian", kind: str = "cosine", dim: int | None = None,
                         ones: np.ndarray | None = None, cross: np.ndarray | None = None,
                         tail: float = 0.0) -> np.ndarray:
    """``draws`` samples of rho from the r x r data ``C_r``, ``B_r`` (module notes), batched over draws.

    Args:
        C_r: (r, r) compressed ``V^T C V``.
        B_r: (r, r) compressed ``V^T B V``.
        k: width.
        draws: number of sampled ``(a, W1)``.
        rng: the generator.
        a_law: readout law (:mod:`.readout`).
        kind: ``cosine`` or ``pearson``.
        dim: the data dimension d (Pearson's entry means are over d x d entries); r when None.
        ones: ``V^T 1`` (Pearson); the all-ones vector of length r when None.
        cross: a square root ``L`` of ``B_12 B_21 = L L^T`` (truncation only), else None.
        tail: ``tr(B_22) / k`` (truncation only).
    """
    r = C_r.shape[0]
    dim = r if dim is None else dim
    ones = np.ones(r) if ones is None else ones
    batch = max(1, BATCH_ENTRIES // (k * r * (2 if cross is not None else 1)))
    values = []
    for start in range(0, draws, batch):
        m = min(batch, draws - start)
        W1 = rng.standard_normal((m, k, r)) / np.sqrt(k)
        U = sample_readout(m * k, a_law, rng).reshape(m, k, 1) ** 2 * W1  # diag(a^2) W1
        R = np.swapaxes(W1, 1, 2) @ U  # R_r = W1^T diag(a^2) W1
        middle = _right(R, B_r) @ R
        if cross is not None:
            N = _right(rng.standard_normal((m, k, r)) / np.sqrt(k), cross.T)  # rows N(0, L L^T / k)
            mixed = R @ (np.swapaxes(N, 1, 2) @ U)
            middle = middle + mixed + np.swapaxes(mixed, 1, 2) + tail * (np.swapaxes(U, 1, 2) @ U)
        G = _sandwich(C_r, R)
        H = _sandwich(C_r, (middle + np.swapaxes(middle, 1, 2)) / 2)
        sums = np.stack([np.sum(G * H, axis=(1, 2)), np.sum(G * G, axis=(1, 2)), np.sum(H * H, axis=(1, 2)),
                         np.einsum("i,sij,j->s", ones, G, ones), np.einsum("i,sij,j->s", ones, H, ones)],
                        axis=1) / dim
        for row in sums:
            traces = {"numerator": row[0], "nfm_square": row[1], "agop_square": row[2],
                      "nfm_mean": row[3] / dim, "agop_mean": row[4] / dim}
            values.append(correlation_from_traces(traces, kind, dim))
    return np.array(values, dtype=float)


def _right(S: np.ndarray, M: np.ndarray) -> np.ndarray:
    """``S[i] @ M`` for a stack S, as one flat product (numpy's broadcast matmul is much slower)."""
    m, rows, columns = S.shape
    return (S.reshape(m * rows, columns) @ M).reshape(m, rows, M.shape[1])


def _sandwich(M: np.ndarray, S: np.ndarray) -> np.ndarray:
    """``M S[i] M`` for symmetric M and a stack of symmetric S: ``(S M)^T M``."""
    return _right(np.ascontiguousarray(np.swapaxes(_right(S, M), 1, 2)), M)


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return vectors * np.sqrt(np.clip(values, 0.0, None))[None, :]


def finite_width_prediction(X: np.ndarray, y: np.ndarray, *, k: int, a_law: str = "gaussian",
                            kind: str = "cosine", draws: int = 400, max_rank: int = 96,
                            seed: int | np.random.Generator | None = 0) -> FiniteWidthPrediction:
    """Mean and standard deviation of the early-time C-NFC over networks of width k on (X, y).

    Samples the reduced construction of the module notes: exact in law when ``d <= max_rank`` or
    ``rank X <= max_rank``; otherwise truncated to a subspace of dimension ``max_rank`` with the truncation
    estimate reported.

    Args:
        X: (n, d) inputs.
        y: (n,) labels.
        k: width of the network.
        a_law: readout law, ``gaussian`` (the paper's), ``rademacher`` or ``uniform``.
        kind: ``cosine`` (the paper's text) or ``pearson`` (its code).
        draws: number of reduced networks sampled (at least 2).
        max_rank: largest subspace dimension r (at least 2).
        seed: seed or generator (the ``finite-width`` stream).

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
    mats = data_matrices(X, y)
    C, B = mats["C"], mats["B"]
    if not np.any(C):
        raise DataError("X^T diag(y) X is zero (all labels zero?): the C-NFC is undefined")
    d = C.shape[0]
    rng = stream(seed, "finite-width")
    V, exact = reduced_basis(np.asarray(X), C, B, max_rank, rng)
    options: dict = {"dim": d}
    if V is None:
        C_r, B_r = C, B
        truncation = 0.0
    else:
        BV = B @ V
        C_r, B_r = V.T @ C @ V, V.T @ BV
        options["ones"] = V.sum(axis=0)
        truncation = 0.0 if exact else _truncation(C, B, V)
        if not exact:
            options["cross"] = _sqrt_psd(BV.T @ BV - B_r @ B_r)
            options["tail"] = max(float(np.trace(B) - np.trace(B_r)), 0.0) / k
    rho = reduced_correlations(C_r, B_r, k=k, draws=draws, rng=rng, a_law=a_law, kind=kind, **options)
    mean, sd = float(rho.mean()), float(rho.std(ddof=1))
    kurtosis = float(np.mean((rho - mean) ** 4) / sd**4) if sd > 0 else 1.0
    sd_se = sd * np.sqrt(max(kurtosis - 1.0, 0.0) / (4 * draws))
    return FiniteWidthPrediction(mean, sd, sd / np.sqrt(draws), float(sd_se), C_r.shape[0], exact,
                                 truncation, draws, kind)


@dataclass(frozen=True)
class ObservedSpread:
    """The C-NFC measured on S independently sampled networks: mean, standard deviation, standard error."""

    mean: float
    sd: float
    se: float
    networks: int


def observe_networks(X: np.ndarray, y: np.ndarray, *, k: int, networks: int, a_law: str = "gaussian",
                     kind: str = "cosine", seed=0) -> ObservedSpread:
    """Sample ``networks`` networks (:func:`~freecalc.quadratic.network.sample_network`) and measure each."""
    from ..errors import ParameterError
    from ..numeric.haar import stream
    from .network import sample_network, velocity_cnfc

    if networks < 2:
        raise ParameterError(f"--networks needs at least 2 networks for a spread, got {networks}")
    rng = stream(seed, "observed networks")
    values = np.array([velocity_cnfc(sample_network(X.shape[1], k, a_law=a_law, seed=rng), X, y, kind=kind)
                       for _ in range(networks)])
    sd = float(values.std(ddof=1))
    return ObservedSpread(float(values.mean()), sd, sd / np.sqrt(networks), networks)
