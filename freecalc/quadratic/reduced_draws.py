"""Draws of the C-NFC of one network through k x k matrices: a sampled part plus a free tail.

With ``R = W^T A W`` (``A = diag(a^2)``), the traces of the C-NFC (:mod:`freecalc.quadratic.words`) are
traces of k x k matrices: with ``M = W C^2 W^T`` and ``N = W B W^T``,

    ``Tr(GH) = Tr(A M A N A M)``, ``Tr(G^2) = Tr(A M A M)``, ``Tr(H^2) = Tr(A N A M A N A M)``,
    ``1^T G 1 = v^T A v``, ``1^T H 1 = v^T A N A v``, ``v = W C 1``

(cyclic invariance of the trace, ``G = C R C``, ``H = C R B R C``). Write ``W = W1 V^T + W2 V2^T`` for an
orthonormal ``V`` (d x r) and its complement ``V2``: ``W1`` and ``W2`` are independent with i.i.d.
``N(0, 1/k)`` entries. Then ``F = W S_F W^T`` (``S_M = C^2``, ``S_N = B``) is

    ``F = W1 (V^T S_F V) W1^T + W1 X_F^T + X_F W1^T + t_F I + E_F``,

where ``X_F = W2 V2^T S_F V`` (k x r: the rows of ``[X_M, X_N, W2 V2^T C 1]`` are ``N(0, Y^T P Y / k)`` with
``Y = [C^2 V, B V, C 1]`` and ``P = I - V V^T``; sampled in their leading directions, :func:`cross_root`),
``t_F = tr(P S_F P) / k`` and ``E_F = W2 T_F W2^T - t_F I`` with ``T_F = P S_F P``. So
``F0 = L Sigma_F L^T + t_F I`` with ``L = [W1, Z]`` (k x q, q <= 3r + 1, Gaussian) and a fixed q x q
``Sigma_F``, and every trace of a word in ``A`` and the ``F0`` reduces to q x q matrices ``K_g = L^T A^g L``.

The tails ``E_F`` are averaged, not sampled: ``{W2 T_F W2^T}`` is a compound free Poisson family whose free
cumulants (normalized trace of size k) are ``kappa_n(E_F1, ..., E_Fn) = Tr(T_F1 ... T_Fn) / k`` for n >= 2
(Nica & Speicher, *Lectures on the Combinatorics of Free Probability*, Lecture 12, Prop. 12.11, with matrix
jumps; Mingo & Speicher, *Free Probability and Random Matrices*, Sec. 4.5), asymptotically free from ``A``
and the sampled part (independence of ``W2``; Voiculescu 1991). A word with tails at positions ``P`` is
expanded with the free moment formula ``phi(s_1 x_1 ... s_n x_n) = sum_pi kappa_pi[s] phi_K(pi)[x]`` over
non-crossing partitions and the Kreweras complement (Nica & Speicher, Theorem 14.4), blocks of size >= 2
since the tails are centered; for two tails the covariance of the entries of a real Wishart-type matrix,
``E[E_ij E_kl] = kappa_2 (delta_ik delta_jl + delta_il delta_jk) / k``, adds ``Tr(x_1 x_2^T)`` (the real
case's 1/k term; Mingo & Speicher, Ch. 5). Neglected: the dependence of ``E_F`` on ``X_F`` (both made of
``W2``), the fluctuation of the tails from draw to draw, and the cross directions that carry at most
``CROSS_TOLERANCE`` of the energy of ``C^2``, ``B`` and ``C 1`` (leaving them out moved the predicted mean by
0.01 to 0.13 standard errors of 400 networks on four data sets at d = 128 and 256, with the draws' random
numbers shared; leaving the whole cross part out, by 0.05 to 0.47). With ``V`` spanning the data
(``P S_F P = 0``) nothing is neglected: the draws are exactly those of the network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations, product

import numpy as np
from threadpoolctl import threadpool_limits

from ..combinatorics.noncrossing import kreweras_complement, nc_partitions
from ..errors import ParameterError
from ..free.letters import canonical_rotation
from ..numeric.evaluate import paired_sum
from .correlation import correlation_from_traces
from .readout import sample_readout

__all__ = ["WORDS", "ReducedDraws", "cross_root", "reduced_draws", "tail_cumulants",
           "with_canonical_signs"]

WORDS = {"numerator": "MNM", "nfm_square": "MM", "agop_square": "NMNM"}  # Tr(A F_1 A F_2 ...), F in M, N
BATCH_ENTRIES = 4_000_000  # random numbers per batch of draws (k x q blocks), 16 MB in float32
CROSS_TOLERANCE = 1e-3  # share of a matrix's energy its dropped cross part may carry (cross_root)
Items = tuple  # a cyclic word: ints are powers of A, strings "M"/"N" are factors F0


def with_canonical_signs(columns: np.ndarray) -> np.ndarray:
    """The columns, each multiplied by the sign that makes its largest entry (in absolute value) positive.

    Singular and eigenvectors are defined up to sign, and LAPACK's choice differs between BLAS kernels;
    the seeded draws that multiply them are the same on every machine only once the signs are fixed.

    >>> with_canonical_signs(np.array([[0.6, -0.1], [-0.8, 0.2]])).tolist()
    [[-0.6, -0.1], [0.8, 0.2]]
    """
    if columns.size == 0:
        return columns
    largest = np.argmax(np.abs(columns), axis=0)
    signs = np.sign(columns[largest, np.arange(columns.shape[1])])
    return columns * np.where(signs == 0, 1.0, signs)


def cross_root(outside: np.ndarray, blocks: tuple[int, ...], scales: tuple[float, ...],
               tolerance: float = CROSS_TOLERANCE) -> np.ndarray:
    """``R`` (c x m) with ``R R^T ~ O^T O`` for ``O = outside`` (d x c, columns in the complement of V).

    The rows of ``W2 V2^T Y`` are ``N(0, O^T O / k)``; with ``Q`` (d x m) orthonormal they are approximated
    by ``Z R^T``, ``R = O^T Q``, ``Z = W Q`` a k x m Gaussian block. ``Q`` holds the leading left singular
    vectors of ``O`` with the column blocks (sizes ``blocks``) divided by ``scales`` (the Frobenius norms of
    the whole matrices they come from), as few as leave a squared singular value sum of at most
    ``tolerance``: each block's dropped part ``||(I - Q Q^T) O_b||_F^2`` is at most ``tolerance`` times its
    whole matrix's ``scale^2``, however different the blocks' sizes (C^2 against B).
    """
    scaled = outside.copy()
    start = 0
    for size, scale in zip(blocks, scales, strict=True):
        if scale > 0:
            scaled[:, start:start + size] /= scale
        start += size
    left, values, _ = np.linalg.svd(scaled, full_matrices=False)
    left = with_canonical_signs(left)
    energy = values**2
    beyond = np.cumsum(energy[::-1])[::-1]  # beyond[m]: the energy of the directions from m on
    m = int(np.sum(beyond > tolerance)) if energy.size else 0
    return outside.T @ left[:, :m]


def tail_cumulants(full: dict[str, np.ndarray], V: np.ndarray) -> dict[str, float]:
    """``Tr(T_{w_1} ... T_{w_n})`` for the words w of length 2 to 4 in the keys, ``T_F = P full_F P``.

    One trace per word up to rotation and reversal (13 for two letters). The d x d products run in float32
    (the tail's cumulants need a few digits, the sampled part is kept in float64), squares as ``?syrk``;
    every trace is summed in float64 (:func:`~freecalc.numeric.evaluate.paired_sum`). With ``A = V^T F``,
    ``S = A V`` and ``G = A - S V^T / 2``: ``P F P = F - V G - (V G)^T`` (P = 1 - V V^T, F symmetric), one
    d x d temporary besides the result.
    """
    T = {}
    for name, m in full.items():
        A = V.T @ m
        outer = V @ (A - 0.5 * (A @ V) @ V.T)
        t = np.subtract(m, outer, dtype=float)
        t -= outer.T
        T[name] = t
        del outer
    single = {f: t.astype(np.float32) for f, t in T.items()}  # products in single precision, sums in double
    pairs: dict[str, np.ndarray] = {}

    def pair(a: str, b: str) -> np.ndarray:  # T_a T_b, in float32
        if a + b not in pairs:
            if b + a in pairs:
                return pairs[b + a].T
            pairs[a + b] = single[a].T @ single[b]  # T_a symmetric; T_a^T T_a is a syrk
        return pairs[a + b]

    values: dict[str, float] = {}
    out = {}
    for n in (2, 3, 4):
        for letters in product(T, repeat=n):
            w = "".join(canonical_rotation(tuple(letters), "orthogonal"))  # Tr(T_w) = Tr(T_w^T)
            if w not in values:  # <X, Y> = Tr(X^T Y): the reversed word, which has the same trace
                if n == 2:
                    values[w] = float(np.vdot(T[w[0]], T[w[1]]))
                elif n == 3:
                    values[w] = float(paired_sum(pair(w[0], w[1]), T[w[2]]))
                else:
                    values[w] = float(paired_sum(pair(w[0], w[1]), pair(w[3], w[2])))
            out["".join(letters)] = values[w]
    return out


class _Batch:
    """One batch of draws: ``K_g`` (s, q, q), the power sums of ``a^2``; the fixed ``Sigma_F``, ``t_F``."""

    def __init__(self, K: dict[int, np.ndarray], power_sums: dict[int, np.ndarray],
                 sigma: dict[str, np.ndarray], tail: dict[str, float], cumulants: dict[str, float], k: int):
        self.K, self.power_sums, self.sigma, self.tail = K, power_sums, sigma, tail
        self.cumulants, self.k = cumulants, k
        self.factors: dict[tuple[str, int], np.ndarray] = {}  # Sigma_F K_g
        self.memo: dict[Items, np.ndarray] = {}

    def _factor(self, name: str, g: int) -> np.ndarray:
        if (name, g) not in self.factors:  # K_g is symmetric: Sigma K = (K Sigma^T)^T, one flat product
            K = self.K[g]
            s, q, _ = K.shape
            flat = K.reshape(s * q, q) @ self.sigma[name].T
            self.factors[name, g] = np.swapaxes(flat.reshape(s, q, q), 1, 2)
        return self.factors[name, g]

    def trace(self, items: Items) -> np.ndarray:
        """``Tr`` of the cyclic product of ``A^g`` (int items) and ``F0`` (str items), per draw."""
        if items in self.memo:
            return self.memo[items]
        if all(isinstance(x, int) for x in items):
            return self.power_sums[sum(items)]
        first = next(i for i, x in enumerate(items) if isinstance(x, str))
        names, gaps = [], []  # gaps[j]: the power of A after the j-th factor
        for x in items[first:] + items[:first]:
            if isinstance(x, str):
                names.append(x)
                gaps.append(0)
            else:
                gaps[-1] += x
        m = len(names)
        total = np.prod([self.tail[f] for f in names]) * self.power_sums[sum(gaps)]
        for size in range(1, m + 1):
            for kept in combinations(range(m), size):
                scale = np.prod([self.tail[names[i]] for i in range(m) if i not in kept])
                if scale == 0:
                    continue
                chain = []
                for j, i in enumerate(kept):
                    after = kept[(j + 1) % size]
                    g = sum(gaps[t % m] for t in range(i, after if after > i else after + m))
                    chain.append(self._factor(names[i], g))
                head = chain[0]
                for factor in chain[1:-1]:
                    head = head @ factor
                value = (np.trace(head, axis1=1, axis2=2) if size == 1
                         else np.einsum("sij,sji->s", head, chain[-1]))  # Tr(P Q) without forming P Q
                total = total + scale * value
        self.memo[items] = total
        return total

    def word(self, word: str) -> np.ndarray:
        """``E_tails Tr(A F_1 A F_2 ... A F_m)``, ``F = F0 + E_F`` (module notes)."""
        m = len(word)

        def segment(first: int, last: int) -> Items:  # A F_first A ... F_last A, indices cyclic
            items: list = []
            for t in range(first, last + 1):
                items += [1, word[t % m]]
            return (*items, 1)

        total = self.trace(segment(0, m - 1)[:-1])
        if not self.cumulants:
            return total
        for size in range(2, m + 1):
            for chosen in combinations(range(m), size):
                # x_j: the segment after the j-th chosen tail (Nica & Speicher's interleaving s_1 x_1 s_2 ...)
                x = [segment(chosen[j] + 1, chosen[(j + 1) % size] - 1 + (m if j == size - 1 else 0))
                     for j in range(size)]
                for pi in nc_partitions(size):
                    if min(len(b) for b in pi.blocks) < 2:
                        continue
                    weight = np.prod([self.cumulants["".join(word[chosen[i]] for i in b)] for b in pi.blocks])
                    if weight == 0:
                        continue
                    value = weight / self.k**size
                    for block in kreweras_complement(pi).blocks:
                        value = value * self.trace(tuple(item for i in block for item in x[i]))
                    if size == 2:  # the real case's second pairing: E[E_ij E_kl] has delta_il delta_jk too
                        value = value + weight / self.k**2 * self.trace(x[0] + x[1][::-1])
                    total = total + value
        return total


def _gram_powers(L: np.ndarray, a2: np.ndarray, top: int, scale: float = 1.0) -> dict[int, np.ndarray]:
    """``K_g = scale L^T diag(a2)^g L = (c |a|^g L)^T (c |a|^g L)``, ``c^2 = scale``, for g = 1..top.

    One ``?syrk`` per draw and g.
    """
    s, _, q = L.shape
    K = {g: np.empty((s, q, q), dtype=L.dtype) for g in range(1, top + 1)}
    c = L.dtype.type(np.sqrt(scale))
    for i in range(s):
        root = np.sqrt(a2[i])[:, None]
        scaled = L[i] * c
        for g in range(1, top + 1):
            scaled = scaled * root
            K[g][i] = scaled.T @ scaled
    return K


@dataclass(frozen=True)
class ReducedDraws:
    """Samples of rho, the traces they come from, and the size of the tail they average over."""

    values: np.ndarray  # rho per draw
    traces: dict[str, np.ndarray]  # per draw, normalized as in correlation_from_traces
    tail_share: float  # largest of Tr(T_M^2) / Tr(C^4) and Tr(T_N^2) / Tr(B^2); 0 without a tail
    tail_rank: float  # smallest of (Tr T_F)^2 / Tr(T_F^2); inf without a tail


def reduced_draws(C: np.ndarray, B: np.ndarray, V: np.ndarray | None, *, k: int, draws: int,
                  rng: np.random.Generator, a_law: str = "gaussian", kind: str = "cosine",
                  exact: bool = False, cross_tolerance: float = CROSS_TOLERANCE,
                  c_squared: np.ndarray | None = None,
                  progress: Callable[[int], None] | None = None) -> ReducedDraws:
    """``draws`` samples of rho through ``M`` and ``N`` (module notes).

    Args:
        C: (d, d) ``X^T diag(y) X``.
        B: (d, d) ``X^T X``.
        V: (d, r) orthonormal basis of the sampled subspace, None for all of R^d.
        k: width.
        draws: number of sampled ``(a, W1, X)``.
        rng: the generator.
        a_law: readout law (:mod:`.readout`).
        kind: ``cosine`` or ``pearson``.
        exact: V spans the range of B (and C): no cross terms and no tails.
        cross_tolerance: share of each matrix's energy the dropped cross directions may carry
            (:func:`cross_root`; 0 keeps them all). The draws for two tolerances share their random
            numbers: the kept cross directions come in order, one Gaussian column each.
        c_squared: ``C^2`` if already formed (it may be in float32, the precision of the tail's
            products); else formed here when the tail needs it.
        progress: called with the number of draws of each batch when it is done.
    """
    if not cross_tolerance >= 0:  # also refuses nan, which would drop every cross direction
        raise ParameterError(f"the cross tolerance must be a number >= 0, got {cross_tolerance!r}")
    d = C.shape[0]
    V = np.eye(d) if V is None else V
    r = V.shape[1]
    C2V, BV, c1 = C @ (C @ V), B @ V, C.sum(axis=1)
    S = {"M": V.T @ C2V, "N": V.T @ BV}
    share, rank = 0.0, float("inf")
    if exact:
        root, tail, cumulants = np.zeros((0, 0)), {"M": 0.0, "N": 0.0}, {}
    else:
        Y = np.hstack([C2V, BV, c1[:, None]])
        outside = Y - V @ (V.T @ Y)
        C2 = C @ C if c_squared is None else np.asarray(c_squared, dtype=float)
        scales = (np.linalg.norm(C2), np.linalg.norm(B), np.linalg.norm(c1))
        root = cross_root(outside, (r, r, 1), scales, cross_tolerance)  # W2 V2^T Y: rows ~N(0, R R^T / k)
        tail = {"M": max(float(np.vdot(C, C) - np.trace(S["M"])), 0.0) / k,  # Tr C^2 = |C|_F^2, C = C^T
                "N": max(float(np.trace(B) - np.trace(S["N"])), 0.0) / k}
        cumulants = tail_cumulants({"M": C2, "N": B}, V)
        totals = {"M": float(np.vdot(C2, C2)), "N": float(np.vdot(B, B))}
        share = max(cumulants[f + f] / totals[f] if totals[f] else 0.0 for f in "MN")
        rank = min((k * tail[f]) ** 2 / cumulants[f + f] if cumulants[f + f] > 0 else float("inf")
                   for f in "MN")
    extra = root.shape[1]
    q = r + extra
    # F0 = L Sigma_F L^T + t_F I, L = [W1, Z] with the cross parts X_F = Z root_F^T and x_v = Z root_v
    sigma = {f: np.zeros((q, q)) for f in "MN"}
    u = np.zeros(q)  # v = W C 1 = L u
    u[:r] = V.T @ c1
    for f in "MN":
        sigma[f][:r, :r] = S[f]
    if extra:
        for f, block in {"M": root[:r], "N": root[r:2 * r]}.items():
            sigma[f][:r, r:] = block
            sigma[f][r:, :r] = block.T
        u[r:] = root[2 * r]
    low_sigma = {f: m.astype(np.float32) for f, m in sigma.items()}
    batch = max(1, BATCH_ENTRIES // (k * (3 * r + 1)))  # q <= 3r + 1; the same batches for any tolerance
    sizes = [min(batch, draws - start) for start in range(0, draws, batch)]

    def one_batch(s: int, stream: np.random.Generator) -> dict[str, np.ndarray]:
        a2 = sample_readout(s * k, a_law, stream).reshape(s, k) ** 2
        L = np.empty((s, k, q), dtype=np.float32)  # sqrt(k) [W1, Z]
        L[:, :, :r] = stream.standard_normal((s, k, r), dtype=np.float32)
        # one row per cross column (filled in order): the first columns do not depend on how many follow
        L[:, :, r:] = stream.standard_normal((q - r, s * k), dtype=np.float32).T.reshape(s, k, q - r)
        K = _gram_powers(L, a2.astype(np.float32), 4, scale=1 / k)
        power_sums = {g: np.sum(a2**g, axis=1) for g in range(1, 5)}
        parts = _Batch(K, power_sums, low_sigma, tail, cumulants, k)
        traces = {name: parts.word(word).astype(float) / d for name, word in WORDS.items()}
        Ku = K[1].astype(float) @ u
        traces["nfm_mean"] = Ku @ u / d**2
        traces["agop_mean"] = (np.einsum("si,ij,sj->s", Ku, sigma["N"], Ku)
                               + tail["N"] * np.einsum("i,sij,j->s", u, K[2].astype(float), u)) / d**2
        return traces

    # Many small products: one BLAS thread each (threads gain nothing at this size and wait for each other
    # on a busy machine); every batch has its own stream, so the draws do not depend on the batch sizes.
    streams = rng.spawn(len(sizes))
    with threadpool_limits(limits=1, user_api="blas"):
        chunks = []
        for size, stream in zip(sizes, streams, strict=True):
            chunks.append(one_batch(size, stream))
            if progress is not None:
                progress(size)
    traces = {key: np.concatenate([c[key] for c in chunks]) for key in chunks[0]}
    values = np.array([correlation_from_traces({key: float(v[i]) for key, v in traces.items()}, kind, d)
                       for i in range(draws)])
    return ReducedDraws(values, traces, share, rank)
