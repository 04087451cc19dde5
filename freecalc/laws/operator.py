r"""M_n-valued Cauchy transforms of a linearization's terms: ``x (x) b`` (scalar law), fixed matrix blocks.

For a self-adjoint ``x`` with law ``mu`` and a real symmetric ``b`` (n x n), the M_n-valued Cauchy transform
of ``X = x (x) b`` is ``G_X(w) = E[(w - x b)^(-1)] = int (w - t b)^(-1) dmu(t)`` for ``w`` with positive
definite imaginary part (Belinschi, Mai & Speicher, J. reine angew. Math. 732 (2017), Section 2). With
``b = U D U^T`` (its r non-zero eigenvalues D, r = rank b), Woodbury's identity gives

    ``(w - t b)^(-1) = w^(-1) + t w^(-1) U (D^(-1) - t K)^(-1) U^T w^(-1)``,  ``K = U^T w^(-1) U``,

and with ``D K = V diag(lambda) V^(-1)``, ``t (D^(-1) - t K)^(-1) = V diag(t / (1 - t lambda_j)) V^(-1) D``.
So the integral over t reduces to r values of the scalar function

    ``f(lambda) = int t / (1 - t lambda) dmu(t) = zeta (zeta G_mu(zeta) - 1)``,  ``zeta = 1 / lambda``,

``G_mu`` the law's own Cauchy transform: exact, for any law object (closed, compound, atomic, a free
convolution), in ``O(n^3)`` per point, whatever the number of atoms. ``zeta`` is never real: ``w - t b``
is invertible for every real t when ``Im w > 0``, so ``1 - t lambda != 0``. Near ``lambda = 0`` the series
``f = sum_p m_p lambda^(p-1)`` (moments ``m_p``) replaces the cancelling difference.

The derivative (for Newton's method) is ``dG[H] = -E[R H R]``, ``R(t) = w^(-1) + P diag(c(t)) Q`` with
``P = w^(-1) U V``, ``Q = V^(-1) D U^T w^(-1)``, ``c_j(t) = t / (1 - t lambda_j)``; its only new integrals
are ``E[c_j c_k] = (f(lambda_j) - f(lambda_k)) / (lambda_j - lambda_k)`` (``f'`` on the diagonal).

A **block of fixed matrices** ``A = sum_k A_k (x) b_k`` (d x d symmetric ``A_k``, e.g. data Grams that do
not commute) has ``G_A(w) = (id (x) tr_d)[(w (x) I_d - A)^(-1)]``, computed exactly: the indices of the
pencil no ``A_k`` touches are eliminated by a Schur complement in M_n, the rest is one dense solve of size
``s d`` per point (s the touched indices). Its derivative is ``-(id (x) tr)[T^(-1) (H (x) I) T^(-1)]``.

Vectorization: ``vec`` is numpy's row-major ``reshape``, so ``vec(A H B) = (A (x) B^T) vec(H)``; every
transform returns ``G`` (k, n, n) and the Jacobian ``J`` (k, n^2, n^2) with ``vec(dG) = J vec(dw)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np

from ..errors import ParameterError
from .base import Law

__all__ = ["ScalarLetter", "MatrixBlock", "law_pair", "symmetric_coordinates", "slope_from_jacobian",
           "SERIES_TERMS"]

CHUNK = 2**22  # complex numbers of d x d blocks held at once by a matrix block's transform
SERIES_TERMS = 10  # moments in the series of f near lambda = 0, used where |lambda| scale < 1e-3


def law_pair(law: Law, zeta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``G(zeta)`` and ``G'(zeta)`` off the real axis, through ``G(conj z) = conj G(z)``.

    >>> from freecalc.laws.closed import Semicircle
    >>> g, _ = law_pair(Semicircle(), np.array([1j, -1j]))
    >>> np.round(g, 12).tolist()
    [-0.61803398875j, 0.61803398875j]
    """
    zeta = np.asarray(zeta, dtype=complex)
    lower = zeta.imag < 0
    g, dg = law.cauchy_pair(np.where(lower, np.conj(zeta), zeta))
    g, dg = np.asarray(g, dtype=complex), np.asarray(dg, dtype=complex)
    return np.where(lower, np.conj(g), g), np.where(lower, np.conj(dg), dg)


def symmetric_coordinates(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the upper triangle: the coordinates of complex symmetric n x n matrices.

    >>> [a.tolist() for a in symmetric_coordinates(2)]
    [[0, 0, 1], [0, 1, 1]]
    """
    return np.triu_indices(n)


def _reduced(full: np.ndarray, n: int) -> np.ndarray:
    """A map on n x n matrices (k, n^2, n^2) restricted to symmetric arguments, upper entries of the value.

    Column (a, b) of the result is the image of ``E_ab + E_ba`` (``E_aa`` on the diagonal).
    """
    rows, cols = symmetric_coordinates(n)
    k = len(full)
    blocks = full.reshape(k, n, n, n, n)[:, rows, cols]  # (k, size, n, n)
    return _symmetrized_columns(blocks, rows, cols)


def _symmetrized_columns(blocks: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``blocks[..., a, b] + blocks[..., b, a]`` at a < b, ``blocks[..., a, a]`` on the diagonal."""
    n = blocks.shape[-1]
    return blocks.reshape(*blocks.shape[:-2], n * n) @ _expansion(n)


@cache
def _expansion(n: int) -> np.ndarray:
    """The (n^2, n (n + 1) / 2) matrix taking upper entries to the symmetric matrix they fill."""
    rows, cols = symmetric_coordinates(n)
    out = np.zeros((n * n, len(rows)))
    out[rows * n + cols, np.arange(len(rows))] = 1.0
    out[cols * n + rows, np.arange(len(rows))] = 1.0
    return out


def slope_from_jacobian(g: np.ndarray, jac: np.ndarray) -> np.ndarray:
    """``dh`` for ``h(w) = G(w)^(-1) - w``: ``-(G^-1 (x) G^-T) J - I``, in symmetric coordinates."""
    k, n, _ = g.shape
    g_inv = np.linalg.inv(g)
    kron = (g_inv[:, :, None, :, None] * np.swapaxes(g_inv, 1, 2)[:, None, :, None, :]
            ).reshape(k, n * n, n * n)
    reduced = _reduced(kron @ jac, n)
    return -reduced - np.eye(reduced.shape[1])


def _kron_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched ``a (x) b`` (k, n^2, n^2) for (k, n, n) arrays."""
    k, n, _ = a.shape
    return (a[:, :, None, :, None] * b[:, None, :, None, :]).reshape(k, n * n, n * n)


@dataclass(frozen=True, eq=False)
class ScalarLetter:
    """``x (x) b``: a scalar law times a real symmetric n x n matrix (module docstring).

    >>> from freecalc.laws.closed import Semicircle
    >>> letter = ScalarLetter(Semicircle(), np.array([[1.0]]))
    >>> g, _ = letter.transform(np.array([[[1j]]]))
    >>> bool(np.isclose(g[0, 0, 0], Semicircle().cauchy(1j), rtol=1e-14))
    True
    """

    law: Law
    matrix: np.ndarray
    _basis: np.ndarray = field(init=False, repr=False)
    _values: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        b = np.asarray(self.matrix, dtype=float)
        if b.ndim != 2 or b.shape[0] != b.shape[1] or not np.allclose(b, b.T):
            raise ParameterError("a letter's coefficient must be a real symmetric matrix")
        values, vectors = np.linalg.eigh(b)
        keep = np.abs(values) > 1e-12 * max(1.0, float(np.abs(values).max()))
        object.__setattr__(self, "matrix", b)
        object.__setattr__(self, "_basis", vectors[:, keep])
        object.__setattr__(self, "_values", values[keep])

    @property
    def mean(self) -> np.ndarray:
        """``E[x] b``."""
        return self.law.mean * self.matrix

    @property
    def norm(self) -> float:
        """A bound on ``||x (x) b||``: ``max |t| over the law's bounds`` times ``||b||``."""
        low, high = self.law.bounds()
        return max(abs(low), abs(high)) * float(np.abs(self._values).max(initial=0.0))

    def _f(self, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``f(lambda) = int t/(1 - t lambda) dmu`` and ``f'(lambda)``, the series near 0."""
        f, df = np.empty_like(lam), np.empty_like(lam)
        scale = self.law.scale
        small = np.abs(lam) * scale < 1e-3
        if small.any():
            m = self.law.moments(SERIES_TERMS)
            s = lam[small]
            powers = s[:, None] ** np.arange(SERIES_TERMS)
            f[small] = powers @ m
            df[small] = powers[:, :-1] @ (m[1:] * np.arange(1, SERIES_TERMS))
        big = ~small
        if big.any():
            zeta = 1 / lam[big]
            g, dg = law_pair(self.law, zeta)
            f[big] = zeta * (zeta * g - 1)
            df[big] = -zeta**2 * (2 * zeta * g + zeta**2 * dg - 1)
        return f, df

    def _parts(self, w: np.ndarray, inverse: np.ndarray) -> tuple[np.ndarray, ...]:
        """``G``, ``S = G - w^(-1)``, ``P``, ``Q`` and ``E[c_j c_l]`` (module docstring)."""
        u, d = self._basis, self._values
        k_mat = np.einsum("ai,kab,bj->kij", u, inverse, u)
        lam, v = np.linalg.eig(d[None, :, None] * k_mat)
        v_inv = np.linalg.inv(v)
        f, df = self._f(lam.ravel())
        f, df = f.reshape(lam.shape), df.reshape(lam.shape)
        p = np.einsum("kab,bj,kjl->kal", inverse, u, v)
        q = np.einsum("kjl,l,bl,kba->kja", v_inv, d, u, inverse)
        s = np.einsum("kaj,kj,kjb->kab", p, f, q)
        gap = lam[:, :, None] - lam[:, None, :]
        close = np.abs(gap) <= 1e-7 * (np.abs(lam[:, :, None]) + np.abs(lam[:, None, :]) + 1e-300)
        f2 = np.where(close, (df[:, :, None] + df[:, None, :]) / 2,
                      (f[:, :, None] - f[:, None, :]) / np.where(close, 1.0, gap))
        return inverse + s, s, p, q, f2

    def transform(self, w: np.ndarray, jacobian: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """``G_X(w)`` (k, n, n) and its Jacobian (k, n^2, n^2) at a stack of ``w`` (k, n, n)."""
        inverse = np.linalg.inv(w)
        if self._values.size == 0:
            return inverse, (-_kron_rows(inverse, np.swapaxes(inverse, 1, 2)) if jacobian else None)
        g, s, p, q, f2 = self._parts(w, inverse)
        if not jacobian:
            return g, None
        k, n = len(w), w.shape[1]
        r = p.shape[2]
        outer = (p.transpose(0, 2, 1)[:, :, :, None] * q[:, :, None, :]).reshape(k, r, n * n)  # P_xj Q_ja
        # fourth[(x, y), (a, b)] = sum_jl P_xj Q_ja F2_jl P_bl Q_ly, as (x a) x (b y) products, then reordered
        fourth = (np.swapaxes(outer, 1, 2) @ (f2 @ outer)).reshape(k, n, n, n, n)
        fourth = fourth.transpose(0, 1, 4, 2, 3).reshape(k, n * n, n * n)
        jac = -(_kron_rows(g, np.swapaxes(g, 1, 2)) - _kron_rows(s, np.swapaxes(s, 1, 2)) + fourth)
        return g, jac

    def h_slope(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``G(w)``, ``h(w) = G(w)^(-1) - w`` and ``dh`` (k, size, size) in symmetric coordinates.

        With ``S = E[R] - w^(-1)`` and ``A = G^(-1) S``, ``A' = S G^(-1)``, the Jacobian above gives
        ``dh[H] = -A H A' + sum_jl E[c_j c_l] (G^(-1) P)_j (Q H P)_jl (Q G^(-1))_l``: no n^2 x n^2 product.
        """
        k, n, _ = w.shape
        rows, cols = symmetric_coordinates(n)
        size = len(rows)
        inverse = np.linalg.inv(w)
        if self._values.size == 0:
            g = inverse
            return g, np.zeros_like(w), np.zeros((k, size, size), dtype=complex)
        g, s, p, q, f2 = self._parts(w, inverse)
        g_inv = np.linalg.inv(g)
        a, a_right = g_inv @ s, s @ g_inv
        first = a[:, rows, :, None] * np.swapaxes(a_right[:, :, cols], 1, 2)[:, :, None, :]  # A_xa A'_by
        slope = -_symmetrized_columns(first, rows, cols)
        p_left, q_right = g_inv @ p, q @ g_inv
        left = p_left[:, rows, :, None] * q_right[:, :, cols].transpose(0, 2, 1)[:, :, None, :]  # (k,u,j,l)
        right = q[:, :, None, :, None] * np.swapaxes(p, 1, 2)[:, None, :, None, :]  # Q_ja P_bl: (k,j,l,a,b)
        right = _symmetrized_columns(right, rows, cols)  # (k, j, l, size)
        r = p.shape[2]
        slope += (left * f2[:, None]).reshape(k, size, r * r) @ right.reshape(k, r * r, size)
        return g, g_inv - w, slope


@dataclass(frozen=True, eq=False)
class MatrixBlock:
    """``A = sum_k A_k (x) b_k`` for fixed symmetric d x d matrices ``A_k`` (module docstring).

    Its law in ``(M_d, tr_d)`` is the joint empirical law of the ``A_k``: exact, whether they commute or not.

    >>> from freecalc.laws.atomic import empirical
    >>> a = np.diag([1.0, 2.0, 4.0])
    >>> block = MatrixBlock((a,), (np.array([[1.0]]),))
    >>> g, _ = block.transform(np.array([[[1j]]]))
    >>> bool(np.isclose(g[0, 0, 0], empirical(a).cauchy(1j)))
    True
    """

    matrices: tuple[np.ndarray, ...]
    coefficients: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        if len(self.matrices) != len(self.coefficients) or not self.matrices:
            raise ParameterError("a matrix block needs one coefficient per matrix, at least one")
        dims = {m.shape for m in self.matrices}
        if len(dims) != 1 or next(iter(dims))[0] != next(iter(dims))[1]:
            raise ParameterError("the matrices of a block must be square and of one size")

    @property
    def dim(self) -> int:
        """d, the size of the fixed matrices."""
        return self.matrices[0].shape[0]

    @property
    def touched(self) -> np.ndarray:
        """The pencil indices some coefficient touches."""
        mask = np.zeros(self.coefficients[0].shape[0], dtype=bool)
        for b in self.coefficients:
            mask |= np.any(b != 0, axis=0) | np.any(b != 0, axis=1)
        return np.flatnonzero(mask)

    @property
    def mean(self) -> np.ndarray:
        """``sum_k tr(A_k) b_k``."""
        return sum(np.trace(a) / self.dim * b for a, b in zip(self.matrices, self.coefficients, strict=True))

    @property
    def norm(self) -> float:
        """``sum_k ||A_k|| ||b_k||``."""
        return float(sum(np.linalg.norm(a, 2) * np.linalg.norm(b, 2)
                         for a, b in zip(self.matrices, self.coefficients, strict=True)))

    @cached_property
    def _structure(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
        """The pivot's eigenvalues, positions only it touches (P), the rest (Q), matrices in its eigenbasis.

        The pivot is the matrix with the most touched indices of its own; in its eigenbasis every block
        with a row or column in P is diagonal, so only the Q part needs a dense solve.
        """
        touched = self.touched
        own = []
        for i, b in enumerate(self.coefficients):
            mine = (np.any(b != 0, axis=0) | np.any(b != 0, axis=1))[touched]
            others = np.zeros(len(touched), dtype=bool)
            for j, c in enumerate(self.coefficients):
                if j != i:
                    others |= (np.any(c != 0, axis=0) | np.any(c != 0, axis=1))[touched]
            own.append(mine & ~others)
        pivot = int(np.argmax([o.sum() for o in own]))
        values, vectors = np.linalg.eigh(self.matrices[pivot])
        rotated = [vectors.T @ a @ vectors for a in self.matrices]
        order = [pivot] + [i for i in range(len(self.matrices)) if i != pivot]
        object.__setattr__(self, "_order", order)
        return values, np.flatnonzero(own[pivot]), np.flatnonzero(~own[pivot]), [rotated[i] for i in order]

    def _touched_inverse(self, reduced: np.ndarray) -> np.ndarray:
        """``T^(-1)`` on the touched indices, ``T = reduced (x) I - sum_k b_k (x) A_k`` (k, s, d, s, d).

        In the pivot's eigenbasis (traces do not see the basis): ``T_PP``, ``T_PQ``, ``T_QP`` are diagonal
        in the eigenvalue gamma (small matrices per gamma, inverted as such); the Schur complement
        ``S = T_QQ - T_QP T_PP^(-1) T_PQ`` is the one dense solve, of size ``|Q| d``; then ``inv_QQ = S^-1``,
        ``inv_PQ = -T_PP^-1 T_PQ S^-1``, ``inv_QP = -S^-1 T_QP T_PP^-1`` and ``inv_PP = T_PP^-1 + T_PP^-1
        T_PQ S^-1 T_QP T_PP^-1``.
        """
        gammas, p_pos, q_pos, rotated = self._structure
        coefficients = [self.coefficients[i][np.ix_(self.touched, self.touched)] for i in self._order]
        k, s, _ = reduced.shape
        d = self.dim
        eye = np.arange(d)
        pivot = coefficients[0]
        # entries with a P row or column, per gamma: reduced - pivot * gamma  (k, d, s, s)
        diagonal = reduced[:, None] - gammas[None, :, None, None] * pivot[None, None]
        t_pp_inv = np.linalg.inv(diagonal[:, :, p_pos[:, None], p_pos[None, :]]) if p_pos.size else None
        out = np.zeros((k, s, d, s, d), dtype=complex)
        if q_pos.size == 0:
            for a, i in enumerate(p_pos):
                for b, j in enumerate(p_pos):
                    out[:, i, eye, j, eye] = t_pp_inv[:, :, a, b]
            return out
        q = len(q_pos)
        t_qq = np.einsum("kij,ab->kiajb", reduced[:, q_pos[:, None], q_pos[None, :]], np.eye(d))
        t_qq = t_qq.astype(complex)
        t_qq -= np.einsum("ij,ab->iajb", pivot[np.ix_(q_pos, q_pos)], np.diag(gammas))[None]
        for b_k, a_k in zip(coefficients[1:], rotated[1:], strict=True):
            t_qq -= np.einsum("ij,ab->iajb", b_k[np.ix_(q_pos, q_pos)], a_k)[None]
        if p_pos.size:
            left = t_pp_inv @ diagonal[:, :, p_pos[:, None], q_pos[None, :]]  # T_PP^-1 T_PQ: (k, d, p, q)
            right = diagonal[:, :, q_pos[:, None], p_pos[None, :]] @ t_pp_inv  # T_QP T_PP^-1: (k, d, q, p)
            through = diagonal[:, :, q_pos[:, None], p_pos[None, :]] @ left  # (k, d, q, q)
            for a in range(q):
                for b in range(q):
                    t_qq[:, a, eye, b, eye] -= through[:, :, a, b]
        s_inv = np.linalg.inv(t_qq.reshape(k, q * d, q * d)).reshape(k, q, d, q, d)
        for a, i in enumerate(q_pos):
            for b, j in enumerate(q_pos):
                out[:, i, :, j, :] = s_inv[:, a, :, b, :]
        if p_pos.size:
            pq = -np.einsum("kgal,klgbh->kagbh", left, s_inv)  # (k, p, d, q, d)
            qp = -np.einsum("kaglh,khlb->kagbh", s_inv, right)  # (k, q, d, p, d)
            pp = -np.einsum("kgal,klgbh->kagbh", left, qp)  # T_PP^-1 T_PQ S^-1 T_QP T_PP^-1
            for a, i in enumerate(p_pos):
                for b, j in enumerate(p_pos):
                    out[:, i, :, j, :] = pp[:, a, :, b, :]
                    out[:, i, eye, j, eye] += t_pp_inv[:, :, a, b]
                for b, j in enumerate(q_pos):
                    out[:, i, :, j, :] = pq[:, a, :, b, :]
                    out[:, j, :, i, :] = qp[:, b, :, a, :]
        return out

    def work(self, points: int) -> float:
        """Multiply-adds of one transform with its Jacobian at ``points`` points (the dense solves)."""
        size = len(self._structure[2]) * self.dim  # the dense Schur complement, |Q| d
        n = self.coefficients[0].shape[0]
        return points * (4 * size**3 + 2 * n**4 * self.dim**2)

    def h_slope(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``G(w)``, ``h(w) = G(w)^(-1) - w`` and ``dh`` in symmetric coordinates (from the Jacobian)."""
        g, jac = self.transform(w)
        return g, np.linalg.inv(g) - w, slope_from_jacobian(g, jac)

    def transform(self, w: np.ndarray, jacobian: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """``G_A(w)`` (k, n, n) and its Jacobian (k, n^2, n^2) at a stack of ``w`` (k, n, n).

        Points go in chunks of about ``CHUNK`` numbers of the inverse's blocks.
        """
        n = w.shape[1]
        step = max(1, CHUNK // (n * n * self.dim**2))
        parts = [self._transform(w[i:i + step], jacobian) for i in range(0, len(w), step)]
        g = np.concatenate([p[0] for p in parts]) if parts else np.zeros(w.shape, complex)
        return g, (np.concatenate([p[1] for p in parts]) if jacobian and parts else None)

    def _transform(self, w: np.ndarray, jacobian: bool) -> tuple[np.ndarray, np.ndarray | None]:
        k, n, _ = w.shape
        d = self.dim
        s_idx = self.touched
        o_idx = np.setdiff1d(np.arange(n), s_idx)
        s = len(s_idx)
        w_ss = w[:, s_idx][:, :, s_idx]
        if o_idx.size:
            w_oo_inv = np.linalg.inv(w[:, o_idx][:, :, o_idx])
            w_so, w_os = w[:, s_idx][:, :, o_idx], w[:, o_idx][:, :, s_idx]
            reduced = w_ss - w_so @ w_oo_inv @ w_os
        else:
            reduced = w_ss
        inv = self._touched_inverse(reduced)
        g_ss = np.trace(inv, axis1=2, axis2=4) / d  # (id (x) tr) of the inverse on the touched indices
        # the whole inverse by the Schur complement: [[X, -X W_so W_oo^-1], [-W_oo^-1 W_os X, W_oo^-1 + ..]]
        g = np.zeros((k, n, n), dtype=complex)
        g[:, s_idx[:, None], s_idx[None, :]] = g_ss
        if o_idx.size:
            left = w_oo_inv @ w_os  # (k, o, s)
            right = w_so @ w_oo_inv  # (k, s, o)
            g[:, s_idx[:, None], o_idx[None, :]] = -g_ss @ right
            g[:, o_idx[:, None], s_idx[None, :]] = -left @ g_ss
            g[:, o_idx[:, None], o_idx[None, :]] = w_oo_inv + left @ g_ss @ right
        if not jacobian:
            return g, None
        # dG[H] = -(id (x) tr)[T^-1 (H (x) I) T^-1] with T^-1 the full inverse: blocks (i, j) are d x d;
        # the blocks on untouched indices are combinations of the touched blocks (as for g above)
        full = np.zeros((k, n, s), dtype=complex)
        full[:, s_idx] = np.eye(s)[None]
        if o_idx.size:
            full[:, o_idx] = -left
        # T^-1 = E inv F + Z (x) I: E = [I; -W_oo^-1 W_os], F = [I, -W_so W_oo^-1], Z = W_oo^-1 (untouched)
        after = np.zeros((k, s, n), dtype=complex)
        after[:, :, s_idx] = np.eye(s)[None]
        if o_idx.size:
            after[:, :, o_idx] = -right
        z = np.zeros((k, n, n), dtype=complex)
        if o_idx.size:
            z[:, o_idx[:, None], o_idx[None, :]] = w_oo_inv
        d2 = d * d
        mixed = (full @ inv.reshape(k, s, d * s * d)).reshape(k, n, d, s, d)  # E inv: (k, n, d, s, d)
        blocks = (mixed.transpose(0, 1, 2, 4, 3) @ after[:, None, None]).transpose(0, 1, 2, 4, 3)
        # blocks[k, x, a, y, b] = (T^-1 - Z (x) I)_(x a),(y b); term (x, y), (p, q): tr(T^-1_xp T^-1_qy) / d
        first = blocks.transpose(0, 1, 3, 2, 4).reshape(k, n * n, d2)  # [(x, p), (a, b)]
        second = blocks.transpose(0, 1, 3, 4, 2).reshape(k, n * n, d2)  # [(q, y), (b, a)] read as (a, b)
        products = (first @ np.swapaxes(second, 1, 2)).reshape(k, n, n, n, n) / d  # [x, p, q, y]
        jac = -products.transpose(0, 1, 4, 2, 3)
        traces = np.trace(blocks, axis1=2, axis2=4) / d
        jac -= traces[:, :, None, :, None] * np.swapaxes(z, 1, 2)[:, None, :, None, :]
        jac -= z[:, :, None, :, None] * np.swapaxes(traces, 1, 2)[:, None, :, None, :]
        jac -= z[:, :, None, :, None] * np.swapaxes(z, 1, 2)[:, None, :, None, :]
        return g, jac.reshape(k, n * n, n * n)
