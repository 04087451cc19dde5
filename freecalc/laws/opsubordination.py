r"""Operator-valued free additive convolution by subordination: ``G`` of ``b_0 + X_1 + ... + X_m`` over M_n.

For ``X_1, ..., X_m`` free with amalgamation over M_n (e.g. ``X_i = x_i (x) b_i`` with free scalar ``x_i``,
or a block of fixed matrices free from the rest), with ``h_i(w) = G_i(w)^(-1) - w`` there are analytic
maps ``omega_i`` of ``H^+(M_n) = {Im w > 0}`` into itself with ``Im omega_i(B) >= Im B`` and

    ``omega_i(B) = B + sum_(j != i) h_j(omega_j(B))``,  ``G_(X_1 + ... + X_m)(B) = G_i(omega_i(B))``  (each i)

(Belinschi, Mai & Speicher, "Analytic subordination theory of operator-valued free additive convolution
and the solution of a general random matrix problem", J. reine angew. Math. 732 (2017), Theorem 2.2 for
two summands, where ``omega_1`` is the attracting fixed point of ``w -> h_2(h_1(w) + B) + B``; more summands
follow by grouping, and the equations above are the same relations written for all of them at once).
Then for a linearization ``L = b_0 + sum_i x_i (x) b_i`` of a self-adjoint polynomial p,
``G_p(z) = lim_(eps -> 0) G_L(Lambda_eps(z))_(1,1)``, ``Lambda_eps(z) = diag(z, i eps, ..., i eps)``
(ibid., Corollary 3.6), with ``G_L(Lambda) = G_(X_1 + ... + X_m)(Lambda - b_0)``.

The equations are solved by Newton's method on the ``m n^2`` entries of the ``omega_i`` (Jacobians from
:mod:`.operator`), continued from far above the axis (:mod:`.solver`) with ``eps`` equal to the height of
the path plus ``1e-13`` times the law's scale (as :mod:`.polynomial` does); a step is kept inside
``Im omega_i > Im B / 2``, and where it would have to be cut below 1/64 the fixed-point iteration (Belinschi,
Mai & Speicher, Section 4) is taken instead. The start far above the axis is ``omega_i = B - sum_(j != i)
E[X_j]`` (``h_j(w) = -E[X_j] + O(1/w)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from .solver import continue_to_axis

__all__ = ["Letter", "operator_cauchy", "corner_cauchy", "lambda_eps"]

STEPS = 40  # Newton steps per level (120 at the axis); points near an atom of p need a few dozen
SETTLED = 1e-3  # relative move over one level below which a point goes straight to the axis


class Letter(Protocol):
    """An M_n-valued summand: its mean and its Cauchy transform with the Jacobian (:mod:`.operator`)."""

    mean: np.ndarray

    def transform(self, w: np.ndarray, jacobian: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """``G(w)`` (k, n, n) and ``J`` (k, n^2, n^2)."""

    def h_slope(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``G(w)``, ``h(w) = G(w)^(-1) - w`` and its derivative in symmetric coordinates."""


def lambda_eps(z: np.ndarray, size: int, eps) -> np.ndarray:
    """``diag(z, i eps, ..., i eps)`` for every z (eps a number or one per z): (k, size, size).

    >>> lambda_eps(np.array([1.0 + 0j]), 2, 0.5).tolist()
    [[[(1+0j), 0j], [0j, 0.5j]]]
    """
    diag = np.empty((len(z), size), dtype=complex)
    diag[:, 1:] = 1j * np.reshape(np.broadcast_to(eps, (len(z),)), (-1, 1))
    diag[:, 0] = z
    return diag[:, :, None] * np.eye(size)


def _hermitian_imag(w: np.ndarray) -> np.ndarray:
    return (w - np.conj(np.swapaxes(w, -1, -2))) / 2j


def operator_cauchy(letters: Sequence[Letter], constant: np.ndarray, z: np.ndarray, *, scale: float,
                    floor: float) -> np.ndarray:
    """``G_L(Lambda_eps(z))`` (k, n, n) for ``L = constant + sum of the letters``, at points z (k,).

    Args:
        letters: the free summands (at least one), each n x n valued.
        constant: ``b_0`` (n x n, real symmetric).
        z: points of the closed upper half-plane (their imaginary parts may be 0).
        scale: a length of the order of the law's support (the path starts at ``10 scale`` above z).
        floor: ``eps`` at the end of the path (the lower diagonal of Lambda stays ``i (height + floor)``).

    >>> from freecalc.laws.closed import Semicircle
    >>> from freecalc.laws.operator import ScalarLetter
    >>> one = np.array([[1.0]])
    >>> g = operator_cauchy([ScalarLetter(Semicircle(), one), ScalarLetter(Semicircle(), one)],
    ...                     np.zeros((1, 1)), np.array([1j]), scale=4.0, floor=0.0)
    >>> bool(np.isclose(g[0, 0, 0], Semicircle(2.0).cauchy(1j)))
    True
    """
    z = np.asarray(z, dtype=complex).ravel()
    n = constant.shape[0]
    m = len(letters)
    constant = np.asarray(constant, dtype=complex)

    level = {"height": 10 * scale}  # the path's current height above z, set by each Newton step

    def b_of(here):  # eps = the height of the path above z plus the floor
        return lambda_eps(here, n, level["height"] + floor) - constant

    if m == 1:
        level["height"] = 0.0
        return letters[0].transform(b_of(z), jacobian=False)[0]

    # the omegas are complex symmetric (every b_i is real symmetric and B = Lambda - b_0 is symmetric, and
    # w -> G(w) keeps symmetry): Newton runs on their n (n + 1) / 2 upper entries
    rows, cols = np.triu_indices(n)
    size = len(rows)

    def omegas_of(u):
        k = len(u)
        out = np.zeros((k, m, n, n), dtype=complex)
        values = u.reshape(k, m, size)
        out[:, :, rows, cols] = values
        out[:, :, cols, rows] = values
        return out

    def packed(omegas):
        return omegas[:, :, rows, cols].reshape(len(omegas), -1)

    def h_of(letter, w):
        g, _ = letter.transform(w, jacobian=False)
        return np.linalg.inv(g) - w

    def system(u, here, height):
        level["height"] = height
        omegas = omegas_of(u)
        b = b_of(here)
        hs, slopes = [], []
        for i, letter in enumerate(letters):
            _, h, slope = letter.h_slope(omegas[:, i])
            hs.append(h)
            slopes.append(slope)
        total = sum(hs)
        residual = np.stack([omegas[:, i] - b - (total - hs[i]) for i in range(m)], axis=1)
        return packed(residual), np.stack(slopes, axis=1)

    def solve(slopes, rhs):
        """Newton's step: the Jacobian is ``I + D - (1 1^T (x) I) D``, ``D = diag(dh_j)`` (Woodbury).

        With ``y_j = (I + D_j)^(-1) r_j`` and ``M = I - sum_j D_j (I + D_j)^(-1)``, the step is
        ``x_j = y_j + (I + D_j)^(-1) M^(-1) sum_j D_j y_j``: m + 1 systems of size n (n + 1) / 2.
        """
        k = len(rhs)
        r = rhs.reshape(k, m, size)
        shifted_inv = np.linalg.inv(np.eye(size) + slopes)  # (k, m, size, size)
        y = (shifted_inv @ r[..., None])[..., 0]
        t = (slopes @ y[..., None]).sum(axis=1)
        mixed = np.eye(size) - (slopes @ shifted_inv).sum(axis=1)
        correction = np.linalg.solve(mixed, t)
        return (y + (shifted_inv @ correction[:, None])[..., 0]).reshape(k, -1)

    def feasible(u, here):
        """``Im omega_i > Im B / 2`` (positive definite difference): the solution has ``Im omega_i >= Im B``.

        Other fixed points (repelling ones, e.g. near an atom of p) have ``Im omega_i > 0`` too.
        """
        omegas = omegas_of(u)
        ok = np.all(np.isfinite(u), axis=1)
        excess = _hermitian_imag(omegas) - 0.5 * _hermitian_imag(b_of(here))[:, None]
        safe = np.where(ok[:, None, None, None], excess, np.eye(n))
        return ok & np.all(np.linalg.eigvalsh(safe)[..., 0] > 0, axis=1)

    previous: list[np.ndarray] = []

    def settled(u, here):
        """Points whose omegas moved by less than ``SETTLED`` (relative) over the last level.

        The move over a level is about the height dropped times the slope in the height, so the rest of
        the path (heights a factor ``ratio`` smaller each) moves them less still; Newton's method at the
        axis corrects the rest.
        """
        moved = np.full(len(u), np.inf) if not previous else (
            np.max(np.abs(u - previous[0]), axis=1) / (1 + np.max(np.abs(u), axis=1)))
        previous[:] = [u.copy()]
        return moved < SETTLED

    def iterate(u, here):
        omegas = omegas_of(u)
        b = b_of(here)
        if m == 2:
            second = b + h_of(letters[0], omegas[:, 0])
            omegas[:, 0] = b + h_of(letters[1], second)
            omegas[:, 1] = second
        else:
            hs = [h_of(letter, omegas[:, i]) for i, letter in enumerate(letters)]
            total = sum(hs)
            omegas = np.stack([b + total - hs[i] for i in range(m)], axis=1)
        return packed(omegas)

    def start(here):
        b = b_of(here)
        means = [np.asarray(letter.mean, dtype=complex) for letter in letters]
        total = sum(means)
        return packed(np.stack([b - (total - means[i]) for i in range(m)], axis=1))

    # stacks of small matrices: BLAS threads only contend (threadpoolctl scopes the limit to this call)
    with threadpool_limits(limits=1, user_api="blas"):
        u, _ = continue_to_axis(z, start, system, feasible, eta_start=10 * scale, fallback=iterate,
                                settled=settled, solve=solve, ratio=0.003, steps=STEPS,
                                eta_end=max(floor, 1e-300))
    return letters[0].transform(omegas_of(u)[:, 0], jacobian=False)[0]


def corner_cauchy(letters: Sequence[Letter], constant: np.ndarray, z, *, scale: float,
                  floor: float) -> np.ndarray:
    """The scalar ``G_p(z)``: the (1, 1) entry of :func:`operator_cauchy`, in the shape of ``z``.

    For a linearization ``L`` of ``p``, ``(z - p)^(-1) = [(Lambda(z) - L)^(-1)]_(1,1)`` (Belinschi, Mai &
    Speicher 2017, Corollary 3.6; :mod:`.linearization`).
    """
    z = np.asarray(z, dtype=complex)
    return operator_cauchy(letters, constant, z.ravel(), scale=scale, floor=floor)[:, 0, 0].reshape(z.shape)
