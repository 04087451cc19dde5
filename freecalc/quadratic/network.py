"""The one-hidden-layer quadratic network ``f(x) = a^T (W x)^2`` and its early-time feature correlations.

The PTK features ``J``, the weight velocity ``Wdot = J^T L X`` and ``K = J^T J`` are derived once, in
:mod:`freecalc.quadratic.words`; with the loss ``(1/2) sum_i (f(x_i) - y_i)^2``, ``L = diag(y - f(X))``, and
the paper's zero outputs give ``L = Y = diag(y)``. The early-time centered NFC is
``rho(Wdot^T Wdot, Wdot^T K Wdot)`` (paper arXiv:2402.05271, eqs. (5)-(7)).

No n x k or n x d matrix is needed to observe it: ``J^T = 2 diag(a) W X^T`` gives ``Wdot = 2 diag(a) W C_L``
and ``K = 4 diag(a) W B W^T diag(a)`` from the data Grams ``C_L = X^T L X`` and ``B = X^T X``
(:func:`~freecalc.quadratic.grams.data_grams`, which predictions form anyway), and for k < d the three
Frobenius products of the correlation are traces of k x k matrices (:func:`velocity_gram_correlation`).

Correlations of two d x d matrices: ``cosine`` (the paper's text, eq. (6)) is
``<A, B>_F / (|A|_F |B|_F)``; ``pearson`` (the paper's released code) is the Pearson correlation of the
d^2 entries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datasets.base import as_float_array
from ..errors import DataError, ParameterError
from ..numeric.evaluate import paired_sum
from ..numeric.haar import stream
from ..numeric.resources import OUTPUT_BLOCK_BYTES, block_rows
from .correlation import correlation_of_products
from .grams import data_grams
from .readout import sample_readout

__all__ = [
    "CORRELATIONS",
    "QuadraticNetwork",
    "sample_network",
    "matrix_correlation",
    "data_grams",
    "velocity_gram_correlation",
    "ptk_features",
    "weight_velocity",
    "velocity_cnfc",
    "TrainedCNFC",
    "train_cnfc",
    "VelocityGramSamples",
    "sample_velocity_grams",
]

CORRELATIONS = ("cosine", "pearson")


@dataclass(frozen=True, eq=False)
class QuadraticNetwork:
    """``f(x) = a^T (W x)^2`` with first layer ``W`` (k x d) and readout ``a`` (k)."""

    W: np.ndarray
    a: np.ndarray

    @property
    def width(self) -> int:
        """Number of hidden units k."""
        return self.W.shape[0]

    @property
    def dim(self) -> int:
        """Input dimension d."""
        return self.W.shape[1]

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """``f(x_i) = sum_s a_s (w_s . x_i)^2`` for every row of X (``X W^T`` in X's float type).

        Formed ``OUTPUT_BLOCK_BYTES`` of rows of X at a time (:mod:`freecalc.numeric.resources`), so that no
        n x k array is held and a memory-mapped X is read in order.
        """
        X = as_float_array(X)
        weights = self.W.T.astype(X.dtype, copy=False)
        rows = block_rows(X.shape[1], X.itemsize, OUTPUT_BLOCK_BYTES)
        out = np.empty(len(X))
        for start in range(0, len(X), rows):
            hidden = X[start:start + rows] @ weights
            out[start:start + rows] = (hidden**2).astype(float, copy=False) @ self.a
        return out

    def r_matrix(self) -> np.ndarray:
        """``R = W^T diag(a^2) W`` (d x d), the weight letter of the C-NFC words (paper, Section 4.1)."""
        scaled = self.a[:, None] * self.W
        return scaled.T @ scaled

    def r_moments(self, order: int = 4) -> np.ndarray:
        """``tr(R^p) = Tr(M^p) / d`` for p = 1..order, with the k x k matrix ``M = diag(a) W W^T diag(a)``.

        ``R`` and ``M`` share their non-zero spectrum, so no eigendecomposition is needed: the powers are
        traced from ``M`` and ``M^2``.
        """
        if order < 1:
            raise ParameterError("the order of the moments must be at least 1")
        scaled = self.a[:, None] * self.W
        powers = [np.eye(self.width), scaled @ scaled.T]  # powers[i] = M^i, symmetric
        while len(powers) <= (order + 1) // 2:
            powers.append(powers[-1] @ powers[1])
        values = []
        for p in range(1, order + 1):
            low = p // 2
            values.append(float(np.sum(powers[low] * powers[p - low])))  # Tr(M^low M^(p-low))
        return np.array(values) / self.dim


def sample_network(d: int, k: int, *, a_law: str = "gaussian", w_scale: float = 1.0,
                   seed: int | np.random.Generator | None = None) -> QuadraticNetwork:
    """A network at initialization: ``W`` with i.i.d. ``N(0, w_scale^2 / k)`` entries, ``a`` from ``a_law``.

    The default is the paper's Proposition 8 setting (``a ~ N(0, I_k)``, ``W ~ N(0, I)/sqrt(k)``).
    """
    if d < 1 or k < 1:
        raise ParameterError(f"sizes must be positive, got d = {d}, k = {k}")
    if not (np.isfinite(w_scale) and w_scale > 0):
        raise ParameterError(f"the weight scale must be positive, got {w_scale}")
    rng = stream(seed, "network")
    W = rng.standard_normal((k, d))
    W *= w_scale / np.sqrt(k)  # in place: the same numbers as a scaled copy, without a second k x d block
    return QuadraticNetwork(W, sample_readout(k, a_law, rng))


def matrix_correlation(first: np.ndarray, second: np.ndarray, kind: str = "cosine") -> float:
    """Cosine ``<A, B>_F / (|A|_F |B|_F)`` or Pearson correlation of the entries of two matrices."""
    if kind == "pearson":
        first = first - first.mean()
        second = second - second.mean()
    elif kind != "cosine":
        raise ParameterError(f"unknown correlation {kind!r}; choose cosine or pearson")
    with np.errstate(over="ignore", invalid="ignore"):  # refused below, in one line
        return _observed_correlation(np.sum(first * second), np.sum(first * first), np.sum(second * second),
                                     first.dtype)


def _observed_correlation(cross: float, first: float, second: float, dtype: np.dtype | type) -> float:
    """:func:`~.correlation.correlation_of_products` with the errors of an observed correlation."""
    return correlation_of_products(
        cross, first, second,
        overflow=f"the correlation is undefined: its matrices' Frobenius products overflow in "
                 f"{np.dtype(dtype).name}; rescale X or y",
        zero="the correlation is undefined: one of its matrices is zero; check y")


def _check_data(net: QuadraticNetwork, X: np.ndarray, y: np.ndarray) -> None:
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0] or X.shape[1] != net.dim:
        raise DataError(f"need X of shape (n, {net.dim}) and y of shape (n,), got {X.shape} and {y.shape}")


def ptk_features(net: QuadraticNetwork, X: np.ndarray) -> np.ndarray:
    """``J = df(X)/dh = 2 (X W^T) diag(a)`` (n x k, in X's float type); ``K = J^T J`` is their Gram matrix."""
    X = as_float_array(X)
    return (X @ net.W.T.astype(X.dtype, copy=False)) * (2.0 * net.a).astype(X.dtype)[None, :]


def weight_velocity(net: QuadraticNetwork, X: np.ndarray, y: np.ndarray, *, residual: bool = False,
                    features: np.ndarray | None = None) -> np.ndarray:
    """``Wdot = J^T L X``, minus the gradient of ``(1/2) |f(X) - y|^2`` in W.

    ``L = diag(y)`` (zero outputs, the paper's assumption) or, with ``residual=True``, ``diag(y - f(X))``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    _check_data(net, X, y)
    J = ptk_features(net, X) if features is None else features
    weights = y - net.outputs(X) if residual else y
    return J.T @ (weights[:, None] * X)


def velocity_gram_correlation(velocity: np.ndarray, features: np.ndarray, kind: str = "cosine") -> float:
    """``rho(V^T V, V^T K V)`` for ``V = Wdot`` (k x d) and ``K = J^T J`` (k x k), in float64.

    For k < d nothing d x d is formed: with ``G = V V^T`` (k x k), ``<V^T V, V^T K V>_F = tr(G G K) =
    <G, K G>_F``, ``|V^T V|_F^2 = <G, G>_F`` and ``|V^T K V|_F^2 = tr(K G K G) = <K G, (K G)^T>_F`` (cyclic
    invariance of the trace); Pearson also needs the entry sums ``|V 1|^2`` and ``(V 1)^T K (V 1)`` and
    centers through ``sum (A - m_A)(B - m_B) = <A, B> - (sum A)(sum B) / d^2``. When k is large against d
    the d x d Grams are formed instead, whichever needs fewer multiply-adds.

    The products ``V V^T`` and ``K G`` are formed in V's float type (a float32 V came from float32 data,
    and K, G then carry single precision anyway, like the products that formed V); every sum is in float64
    (:func:`~freecalc.numeric.evaluate.paired_sum`), and so are Pearson's entry sums.
    """
    if kind not in CORRELATIONS:
        raise ParameterError(f"unknown correlation {kind!r}; choose cosine or pearson")
    velocity = as_float_array(velocity, "the velocity")
    k, d = velocity.shape
    if k * k * (d / 2 + k) > k * d * (1.5 * d + k):
        velocity = velocity.astype(float, copy=False)
        features = np.asarray(features, dtype=float)
        return matrix_correlation(velocity.T @ velocity, velocity.T @ (features @ velocity), kind)
    features = np.asarray(features).astype(velocity.dtype, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused in one line (below)
        gram = velocity @ velocity.T  # numpy's matmul forms V V^T by BLAS ?syrk
        pushed = features @ gram
        cross, first = np.float64(paired_sum(gram, pushed)), np.float64(paired_sum(gram, gram))
        second = np.float64(paired_sum(pushed, pushed.T))  # <K G, (K G)^T>_F = tr(K G K G)
        if kind == "pearson":
            sums = velocity.sum(axis=1, dtype=float)
            first_sum, second_sum = sums @ sums, sums @ (features.astype(float) @ sums)
            cross -= first_sum * second_sum / d**2
            first -= first_sum * first_sum / d**2
            second -= second_sum * second_sum / d**2
    return _observed_correlation(cross, first, second, velocity.dtype)


def velocity_cnfc(net: QuadraticNetwork, X: np.ndarray, y: np.ndarray, *, kind: str = "cosine",
                  residual: bool = False, grams: tuple[np.ndarray, np.ndarray] | None = None) -> float:
    """The observed early-time C-NFC ``rho(Wdot^T Wdot, Wdot^T K Wdot)`` of this network on (X, y).

    Computed from the data Grams when that needs fewer multiply-adds than forming ``J`` (n x k), as it does
    whenever n is large against k and d (module notes); float32 data keep their large products in float32.

    Args:
        net: the sampled network.
        X: (n, d) inputs.
        y: (n,) labels.
        kind: ``cosine`` or ``pearson``.
        residual: use ``L = diag(y - f(X))`` instead of ``diag(y)``.
        grams: ``(X^T diag(y) X, X^T X)`` when already formed (:class:`~.predict.DataStatistics` ``.grams``).
    """
    X = as_float_array(X)
    y = np.asarray(y, dtype=float)
    _check_data(net, X, y)
    if kind not in CORRELATIONS:
        raise ParameterError(f"unknown correlation {kind!r}; choose cosine or pearson")
    n, d = X.shape
    k = net.width
    if grams is not None and any(np.shape(gram) != (d, d) for gram in grams):
        raise DataError(f"the data Grams must be {d} x {d}, got {[np.shape(gram) for gram in grams]}")
    weights = y - net.outputs(X) if residual else y
    if grams is None:
        missing = n * d * d  # multiply-adds of both Grams (at most)
    else:
        missing = n * d * d / 2 if residual else 0  # X^T diag(y - f(X)) X
    if missing + 2 * k * d * d + k * k * d > 2 * n * k * d + n * k * k / 2:  # forming J is cheaper
        J = ptk_features(net, X)
        velocity = J.T @ (weights.astype(X.dtype)[:, None] * X)
        return velocity_gram_correlation(velocity, J.T @ J, kind)
    if grams is not None and not residual:
        weighted, plain = grams
    else:
        weighted, plain = data_grams(X, weights, plain=grams is None)
        plain = grams[1] if grams is not None else plain
    # k x d x d products in X's type, like the J^T (y X) they replace; the k x k traces in float64. With
    # U = diag(a) W, Wdot = 2 U C_L and K = 4 U B U^T: the factors 2 and 4 are left out, as the correlation of
    # two matrices does not change when either is scaled by a positive number
    scaled = np.multiply(net.a[:, None], net.W, out=np.empty(net.W.shape, dtype=X.dtype))  # no float64 copy
    velocity = scaled @ weighted.astype(X.dtype, copy=False)
    features = (scaled @ plain.astype(X.dtype, copy=False)) @ scaled.T
    return velocity_gram_correlation(velocity, features, kind)


@dataclass(frozen=True)
class TrainedCNFC:
    """Feature correlations after ``steps`` gradient-descent steps of size ``lr`` on the first layer."""

    lr: float
    steps: int
    centered: float  # rho(Wbar^T Wbar, Wbar^T K_t Wbar), Wbar = W_t - W_0
    uncentered: float  # rho(W_t^T W_t, W_t^T K_t W_t)
    loss: tuple[float, ...]  # (1/2n) |f(X) - y|^2 before each step and after the last


def train_cnfc(net: QuadraticNetwork, X: np.ndarray, y: np.ndarray, *, lr: float, steps: int,
               kind: str = "cosine", subtract_initial: bool = True) -> TrainedCNFC:
    """Train ``W`` by gradient descent on ``(1/2n) |f(X) - y|^2`` and measure the centered and uncentered NFC.

    With ``subtract_initial=True`` the model is ``f_W(x) - f_{W_0}(x)``, whose outputs are zero at
    initialization, so that ``(W_t - W_0) / (lr steps / n) -> Wdot = J^T Y X`` as ``lr -> 0`` (the paper's
    zero-output assumption, Proposition 3); otherwise the limit is the residual velocity.
    """
    if not (lr > 0 and np.isfinite(lr)) or steps < 1:
        raise ParameterError("need a positive learning rate and at least one step")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    _check_data(net, X, y)
    n = X.shape[0]
    offset = net.outputs(X) if subtract_initial else np.zeros(n)
    W = net.W.copy()
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and reported below
        for _ in range(steps):
            current = QuadraticNetwork(W, net.a)
            residual = y - (current.outputs(X) - offset)
            losses.append(0.5 * float(np.mean(residual**2)))
            W = W + (lr / n) * (ptk_features(current, X).T @ (residual[:, None] * X))
            if not np.all(np.isfinite(W)):
                raise ParameterError(f"gradient descent diverged at learning rate {lr}; use a smaller one")
    final = QuadraticNetwork(W, net.a)
    losses.append(0.5 * float(np.mean((y - (final.outputs(X) - offset)) ** 2)))
    J = ptk_features(final, X)
    moved = W - net.W

    def nfc(weights: np.ndarray) -> float:
        pushed = J @ weights
        return matrix_correlation(weights.T @ weights, pushed.T @ pushed, kind)

    return TrainedCNFC(lr, steps, nfc(moved), nfc(W), tuple(losses))


@dataclass(frozen=True, eq=False)
class VelocityGramSamples:
    """Batch means of ``Wdot^T Wdot`` and ``Wdot^T K Wdot`` over independently sampled networks."""

    nfm: np.ndarray  # (batches, d, d)
    agop: np.ndarray  # (batches, d, d)
    samples: int

    @staticmethod
    def _mean_and_stderr(batches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return batches.mean(axis=0), batches.std(axis=0, ddof=1) / np.sqrt(len(batches))

    def nfm_estimate(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard error (from the batch means) of ``Wdot^T Wdot``, entrywise."""
        return self._mean_and_stderr(self.nfm)

    def agop_estimate(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard error (from the batch means) of ``Wdot^T K Wdot``, entrywise."""
        return self._mean_and_stderr(self.agop)


def sample_velocity_grams(X: np.ndarray, y: np.ndarray, k: int, samples: int, *, a_law: str = "gaussian",
                          seed: int | None = 0, batches: int = 50) -> VelocityGramSamples:
    """Monte Carlo of ``E[Wdot^T Wdot]`` and ``E[Wdot^T K Wdot]`` over ``samples`` networks of width k.

    Each network is drawn as in :func:`sample_network` and the Grams are formed from ``J`` and ``Wdot``
    exactly as :func:`velocity_cnfc` does (``Wdot = J^T diag(y) X``, ``K = J^T J``), vectorized over a batch.
    Meant for small n, d and k, where the exact expectations of :mod:`freecalc.quadratic.words` differ
    plainly from their large-size limits.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise DataError(f"need X of shape (n, d) and y of shape (n,), got {X.shape} and {y.shape}")
    if k < 1 or batches < 2 or samples < batches:
        raise ParameterError("need k >= 1, at least 2 batches and at least one sample per batch")
    rng = stream(seed, "network")
    d = X.shape[1]
    per_batch = samples // batches
    yx = y[:, None] * X
    nfm, agop = [], []
    for _ in range(batches):
        W = rng.standard_normal((per_batch, k, d)) / np.sqrt(k)
        a = sample_readout(per_batch * k, a_law, rng).reshape(per_batch, k)
        J = 2.0 * np.einsum("nd,skd->snk", X, W) * a[:, None, :]  # (S, n, k)
        velocity = np.einsum("snk,nd->skd", J, yx)  # Wdot = J^T Y X, (S, k, d)
        pushed = J @ velocity  # (S, n, d), Wdot^T K Wdot = pushed^T pushed
        nfm.append(np.einsum("ski,skj->ij", velocity, velocity) / per_batch)
        agop.append(np.einsum("sni,snj->ij", pushed, pushed) / per_batch)
    return VelocityGramSamples(np.array(nfm), np.array(agop), per_batch * batches)
