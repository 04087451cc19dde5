"""The randomized-eigenvector baseline of a layer: its NFC with the PTK features' eigenvectors made Haar.

Paper arXiv:2402.05271, Section 2 and Figure 1: replacing a layer's PTK feature covariance K (k x k) by
``O K O^T``, O Haar on O(k), drops the NFC ``rho(W^T W, W^T K W)`` (Proposition 2). With ``M = W W^T``
(k x k) and the cosine correlation,

    ``rho_O = N / (|M|_F sqrt(D))``,  ``N = Tr(M^2 O K O^T)``,  ``D = Tr(O K O^T M O K O^T M)``,

so the baseline depends on the spectra of ``W W^T`` and K alone. **First order** (M and ``O K O^T``
asymptotically free; Nica & Speicher, Lecture 14): with normalized traces ``m_j = tr(M^j)``,
``c_j = tr(K^j)``, ``E N -> k m_2 c_1`` and ``E D -> k (c_2 m_1^2 + c_1^2 m_2 - c_1^2 m_1^2)``, and
``rho_1 = E N / (|M|_F sqrt(E D))``. **Finite size**: the exact Haar averages of ``N, D, N^2, N D, D^2`` at
size k (orthogonal Weingarten calculus, Collins & Matsumoto 2009, by
:func:`~freecalc.numeric.weingarten_sum.exact_trace_average`) give, by the delta method for
``g(N, D) = N D^{-1/2}``,

    ``E rho ~ rho_0 (1 + (3/8) Var D / (E D)^2 - (1/2) Cov(N, D) / (E N E D))``,
    ``Var rho ~ rho_0^2 (Var N / (E N)^2 - Cov(N, D) / (E N E D) + Var D / (4 (E D)^2))``,

with ``rho_0 = E N / (|M|_F sqrt(E D))`` at the exact means. When ``Var D / (E D)^2`` is not small (a
trained layer whose ``W W^T`` has a few large eigenvalues: 0.98 in the Figure 1 setting) the expansion
fails; the reported ``mean`` and ``sd`` are therefore those of the *log-normal closure*: ``(log N, log D)``
Gaussian with the exact first two moments, ``s_N = log(1 + Var N / (E N)^2)``, ``s_D = log(1 + Var D /
(E D)^2)``, ``s_ND = log(1 + Cov(N, D) / (E N E D))``, for which exactly

    ``E rho = rho_0 exp(3 s_D / 8 - s_ND / 2)``,  ``E rho^2 / (E rho)^2 = exp(s_N - s_ND + s_D / 4)``,

whose first-order terms are the delta method's (kept as ``delta_mean`` and ``delta_sd``). ``reliable`` says
whether ``Var D / (E D)^2 < 0.1``, where the two agree.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> W, K = rng.standard_normal((6, 4)), np.diag(rng.uniform(0, 1, 6))
>>> b = randomized_baseline(W, K)
>>> 0 < b.mean < 1 and b.sd > 0
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError
from ..free.words import Families
from ..numeric.haar import haar_batch
from ..numeric.weingarten_sum import exact_trace_average
from .mlp import MLP

__all__ = ["Baseline", "layer_baseline", "randomized_baseline", "rotated_nfc"]

FAMILIES = Families.of("M", "K")
N_WORD = ("M", "M", "K")
D_WORD = ("K", "M", "K", "M")
RELIABLE_VARIANCE = 0.1


@dataclass(frozen=True)
class Baseline:
    """Predicted NFC under Haar-random eigenvectors of K: first order, finite-size mean and sd."""

    first_order: float
    mean: float
    sd: float
    size: int
    delta_mean: float
    delta_sd: float
    relative_var_d: float

    @property
    def reliable(self) -> bool:
        """Whether the relative variance of the denominator is small (below 0.1)."""
        return self.relative_var_d < RELIABLE_VARIANCE


def _check(W: np.ndarray, K: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    W, K = np.asarray(W, dtype=float), np.asarray(K, dtype=float)
    if W.ndim != 2 or K.shape != (W.shape[0], W.shape[0]):
        raise DataError(f"need W (k x d) and K (k x k), got {W.shape} and {K.shape}")
    return W, (K + K.T) / 2


def randomized_baseline(W: np.ndarray, K: np.ndarray) -> Baseline:
    """``E_O rho(W^T W, W^T O K O^T W)`` over Haar O (cosine): first order, finite-size mean and sd."""
    W, K = _check(W, K)
    k = W.shape[0]
    spectra = {"M": np.linalg.eigvalsh(W @ W.T), "K": np.linalg.eigvalsh(K)}

    def trace(word: tuple[str, ...]) -> float:  # normalized trace of a family-local word (a power)
        return float(np.mean(spectra[word[0]] ** len(word)))

    def average(*words: tuple[str, ...]) -> float:  # E[prod tr(w)] exactly, times k per trace
        return exact_trace_average(list(words), FAMILIES, "orthogonal", k, trace) * k ** len(words)

    m1, m2 = trace(("M",)), trace(("M", "M"))
    c1, c2 = trace(("K",)), trace(("K", "K"))
    norm = np.sqrt(k * m2)  # |M|_F
    first_order = k * m2 * c1 / (norm * np.sqrt(k * (c2 * m1**2 + c1**2 * m2 - c1**2 * m1**2)))
    mean_n, mean_d = average(N_WORD), average(D_WORD)
    var_n = average(N_WORD, N_WORD) - mean_n**2
    var_d = average(D_WORD, D_WORD) - mean_d**2
    cov = average(N_WORD, D_WORD) - mean_n * mean_d
    rho0 = mean_n / (norm * np.sqrt(mean_d))
    rel_n, rel_d, rel_nd = var_n / mean_n**2, var_d / mean_d**2, cov / (mean_n * mean_d)
    delta_mean = rho0 * (1 + 3 / 8 * rel_d - 0.5 * rel_nd)
    delta_variance = rho0**2 * (rel_n - rel_nd + rel_d / 4)
    s_n, s_d, s_nd = np.log1p(max(rel_n, 0.0)), np.log1p(max(rel_d, 0.0)), np.log1p(rel_nd)
    mean = rho0 * np.exp(3 * s_d / 8 - s_nd / 2)
    sd = mean * np.sqrt(max(np.expm1(s_n - s_nd + s_d / 4), 0.0))
    return Baseline(float(first_order), float(mean), float(sd), k, float(delta_mean),
                    float(np.sqrt(max(delta_variance, 0.0))), float(rel_d))


def rotated_nfc(W: np.ndarray, K: np.ndarray, rotations: int = 200, seed: int | None = 0) -> np.ndarray:
    """``rho(W^T W, W^T O K O^T W)`` (cosine) for ``rotations`` Haar-orthogonal O: the Monte Carlo check."""
    W, K = _check(W, K)
    M = W @ W.T
    M2 = M @ M
    norm = np.sqrt(np.sum(M * M))
    out = []
    for O in haar_batch("orthogonal", W.shape[0], rotations, seed):
        rotated = O @ K @ O.T
        pushed = rotated @ M
        out.append(np.sum(M2 * rotated) / (norm * np.sqrt(np.sum(pushed * pushed.T))))
    return np.array(out)


def layer_baseline(net: MLP, X: np.ndarray, layer: int) -> Baseline:
    """The baseline of one layer of a network on data X: ``W_l`` and its PTK feature covariance ``K_l``."""
    return randomized_baseline(net.weights[layer - 1], net.feature_covariance(X, layer))
