"""Newton's method on many points at once, continued from far above the real axis down to it.

The subordination equations (Belinschi & Bercovici, "A new approach to subordination results in free
probability", J. Anal. Math. 101 (2007), Theorems 4.1 and 4.3) and the matrix-valued semicircle equation
(Helton, Rashidi Far & Speicher, IMRN 2007, Theorem 2.1) have a unique solution in a half-plane for every
``z`` in the upper half-plane, found by a convergent fixed-point iteration; near the real axis that
iteration slows down like ``1 - O(Im z)``. Here the solution is followed from ``Im z = eta_start`` (where
the asymptotic guess is close) down to ``Im z = eta_end`` along a geometric sequence, with Newton steps
at each level started from the previous level's solution; a step that leaves the half-plane where the
solution lives is halved until it stays inside (the branch never changes). Points whose Newton steps do
not converge within a level (near an atom, where the solution moves fast with the height) go down to it
again from the level above in ``REFINE`` smaller geometric steps. Every point runs in the same numpy
arrays: the loop is over levels and steps, never over points.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["continue_to_axis", "levels"]

System = Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, np.ndarray]]


def levels(eta_start: float, eta_end: float, ratio: float = 0.25) -> np.ndarray:
    """The heights ``eta_start * ratio^k`` above ``eta_end``, then ``eta_end``.

    >>> levels(1.0, 1e-3, 0.1).tolist()
    [1.0, 0.1, 0.01, 0.001]
    """
    count = int(np.floor(np.log(eta_end / eta_start) / np.log(ratio) + 1e-9))
    heights = eta_start * ratio ** np.arange(count + 1)
    return np.concatenate([heights[heights > eta_end * (1 + 1e-9)], [eta_end]])


def continue_to_axis(z: np.ndarray, start: Callable[[np.ndarray], np.ndarray], system: System,
                     feasible: Callable[[np.ndarray, np.ndarray], np.ndarray], *, eta_start: float,
                     ratio: float = 0.1, steps: int = 40, tol: float = 1e-14,
                     fallback: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                     settled: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                     solve: Callable[[object, np.ndarray], np.ndarray] | None = None,
                     eta_end: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``F(u, z) = 0`` at every ``z`` (``Im z > 0``) by damped Newton steps, continued in the height.

    The path is ``z + i h`` with ``h`` from ``eta_start`` down geometrically to a tenth of the smallest
    ``Im z`` (or to ``eta_end`` if that is lower), then ``h = 0``.

    Args:
        z: points of the upper half-plane, shape (n,).
        start: ``z -> u``, the initial guess (n, m) at ``z + i eta_start``.
        system: ``(u, z, h) -> (F, J)`` at the current points ``z`` and height ``h``: the residual (n, m)
            and its Jacobian (n, m, m) (complex analytic).
        feasible: ``(u, z) -> bool (n,)``, whether ``u`` lies in the domain where the solution lives.
        eta_start: the first height (far from the support, where ``start`` is accurate).
        ratio: the factor between consecutive heights.
        steps: Newton steps allowed per level (three times more at the last level).
        tol: relative size of the last step at which a point stops.
        fallback: ``(u, z) -> u``, a step that stays in the domain (a contraction's iteration), taken
            where Newton's step had to be cut below 1/64 to stay inside; without it the cut step is taken.
        settled: ``(u, z + i h) -> bool (n,)``, points whose solution at height h lies so far inside the
            domain that the rest of the path moves it by a small fraction: they go straight to ``h = 0``.
        solve: ``(J, r) -> J^(-1) r`` (n, m) for a structured Jacobian, whatever ``system`` returns as J;
            by default J is an (n, m, m) array and numpy solves it.
        eta_end: the lowest height before ``h = 0`` when the system has parts that the height moves and
            ``Im z`` does not bound below (the ``i eps`` corner of an operator-valued argument, whose
            ``eps`` follows the height down to a floor): the path then keeps going down geometrically to
            that floor, so that the last level is a small step too.

    Returns:
        The solution (n, m) at ``z`` and a bool array (n,): whether the last step was below tol.

    Example, ``u^2 = z`` on the branch ``Im u > 0``:

    >>> z = np.array([-1.0, 4.0]) + 1e-12j
    >>> sys_ = lambda u, z, h: (u**2 - z[:, None], 2 * u[:, :, None])
    >>> u, ok = continue_to_axis(z, lambda z: np.sqrt(z)[:, None], sys_, lambda u, z: u[:, 0].imag > 0,
    ...                          eta_start=1.0)
    >>> np.round(u[:, 0], 9).tolist(), ok.tolist()
    ([1j, (2+0j)], [True, True])
    """
    z = np.asarray(z, dtype=complex)
    floor = 0.1 * float(np.min(z.imag)) if z.size else 1.0
    if eta_end is not None:
        floor = min(floor, eta_end)
    heights = np.concatenate([levels(eta_start, min(floor, eta_start), ratio), [0.0]])
    u = np.asarray(start(z + 1j * heights[0]), dtype=complex)
    newton = _Newton(system, feasible, fallback, solve)
    done = np.zeros(len(z), dtype=bool)
    ahead = np.zeros(len(z), dtype=bool)  # settled points, waiting for the last level
    for level, height in enumerate(heights):
        last = level == len(heights) - 1
        goal = tol if last else 1e-6  # the next level's steps refine what this one leaves
        z_all = z + 1j * height
        done = ahead.copy() if not last else np.zeros(len(z), dtype=bool)
        before = u.copy()
        active = np.flatnonzero(~done)
        done[active] = newton(u, active, z_all[active], float(height), steps * (3 if last else 1), goal)
        if level and not last:  # points this step down lost: again from the level above, in smaller steps
            lost = active[~done[active]]
            if lost.size:
                u[lost] = before[lost]
                done[lost] = _in_smaller_steps(newton, u, lost, z, heights[level - 1], float(height),
                                               steps, goal)
        if settled is not None and not last:
            ahead |= settled(u, z_all)
    return u, done


REFINE = 4  # a level that Newton's method does not reach is retried in this many geometric sub-levels


def _in_smaller_steps(newton, u, points, z, upper, lower, steps, goal):
    """Go from height ``upper`` to ``lower`` through ``REFINE`` geometric sub-levels, on some points only."""
    reached = np.zeros(len(points), dtype=bool)
    for height in upper * (lower / upper) ** (np.arange(1, REFINE + 1) / REFINE):
        reached = newton(u, points, z[points] + 1j * height, float(height), steps, goal)
    return reached


class _Newton:
    """Damped Newton steps on some of the points, in place in ``u``; returns which of them converged."""

    def __init__(self, system, feasible, fallback, solve):
        self.system, self.feasible, self.fallback = system, feasible, fallback
        self.solve = solve if solve is not None else _dense_solve

    def __call__(self, u, points, here_all, height, steps, goal):
        done = np.zeros(len(points), dtype=bool)
        previous = np.full(len(points), np.inf)
        for _ in range(steps):
            open_ = np.flatnonzero(~done)
            if open_.size == 0:
                break
            active, here = points[open_], here_all[open_]
            current = u[active]
            residual, jacobian = self.system(current, here, height)
            step = self.solve(jacobian, -residual)
            bad = ~np.all(np.isfinite(step), axis=1)
            step[bad] = 0.0
            scale = np.ones(len(active))
            trial = current + step
            for _halving in range(50 if self.fallback is None else 7):  # with a fallback, stop below 1/64
                inside = self.feasible(trial, here)
                if inside.all():
                    break
                scale[~inside] *= 0.5
                trial = current + scale[:, None] * step
            else:
                trial = np.where(self.feasible(trial, here)[:, None], trial, current)
            cut = scale < 1 / 64
            if self.fallback is not None and cut.any():
                trial[cut] = self.fallback(current[cut], here[cut])
            u[active] = trial
            size = np.max(np.abs(trial - current), axis=1) / (1 + np.max(np.abs(current), axis=1))
            # stop when small, or when rounding stalls full Newton steps near a double root (an edge)
            stalled = (size < 1e-9) & (size > 0.5 * previous[open_]) & (scale == 1)
            done[open_] = (size <= goal) | stalled | bad
            previous[open_] = size
        return done


def _dense_solve(jacobian: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """``J^(-1) r`` for a stack of square systems; least squares where one is singular."""
    try:
        return np.linalg.solve(jacobian, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return np.stack([np.linalg.lstsq(j, r, rcond=None)[0] for j, r in zip(jacobian, rhs, strict=True)])
