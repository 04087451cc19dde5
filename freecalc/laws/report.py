"""A law as data: support intervals, the density on a grid fine enough to integrate, atoms and moments.

The grid starts as a cosine (Chebyshev-Lobatto) grid on each support interval, clustered at the edges where
the density has its square-root (or stronger) behaviour, and is refined adaptively where the density bends
until the trapezoid rule over it gives the mass of the absolutely continuous part, ``1 - sum of the atoms``,
to ``tolerance``. Gaps between intervals
add their two edges with density 0, so the trapezoid rule over the whole ``x`` is the sum over intervals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .base import Law

__all__ = ["LawReport", "law_report"]

START_POINTS = 33  # the cosine grid each interval starts from, before the adaptive refinement


@dataclass(frozen=True)
class LawReport:
    """What ``freecalc law`` prints: the law's name, support, grid, density, atoms, moments."""

    name: str
    support: tuple[tuple[float, float], ...]
    x: tuple[float, ...]
    density: tuple[float, ...]
    atoms: tuple[tuple[float, float], ...]
    moments: tuple[float, ...]
    mass: float  # trapezoid integral of the density over x
    expected_mass: float  # 1 - sum of the atoms

    def to_dict(self) -> dict:
        """JSON-ready (finite floats; an unbounded edge would be None)."""
        def edge(v: float):
            return v if np.isfinite(v) else None

        return {"law": self.name, "support": [[edge(a), edge(b)] for a, b in self.support],
                "x": list(self.x), "density": list(self.density),
                "atoms": [list(a) for a in self.atoms], "moments": list(self.moments),
                "trapezoid_mass": self.mass, "continuous_mass": self.expected_mass}


def _interval(law: Law, a: float, b: float, tolerance: float, max_points: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """A grid on [a, b] whose trapezoid integral is within about ``tolerance`` of the density's integral.

    Adaptive trapezoid rule (Davis & Rabinowitz, *Methods of Numerical Integration*, 2nd ed., Section 6.2):
    from a cosine grid of ``START_POINTS``, each cell ``[x_l, x_r]`` of width ``h`` gets its midpoint,
    which changes the cell's trapezoid value by ``delta = h (2 d_m - d_l - d_r) / 4``; a cell whose change
    is within its share of the tolerance, ``tolerance h / (b - a)``, is kept with its midpoint, the others
    are halved and tried again. The accepted changes sum to at most ``tolerance``, and since halving a
    cell divides its trapezoid error by about four, the error left in a cell is about a third of its last
    change (Richardson), so the grid's error is about ``tolerance / 3`` or less. Points go where the
    density bends (edges, dips between nearly separate bumps), not everywhere; past ``max_points`` the
    remaining cells are kept as they are.
    """
    t = (1 - np.cos(np.pi * np.linspace(0, 1, START_POINTS))) / 2
    x = a + (b - a) * t
    d = law.density(x)
    points, values = [x], [d]
    left, right, d_left, d_right = x[:-1], x[1:], d[:-1], d[1:]
    count = x.size
    while left.size and count + left.size <= max_points:
        middle = (left + right) / 2
        d_middle = law.density(middle)
        count += middle.size
        points.append(middle)
        values.append(d_middle)
        width = right - left
        change = width * (2 * d_middle - d_left - d_right) / 4
        open_ = np.abs(change) > tolerance * width / (b - a)
        left = np.concatenate([left[open_], middle[open_]])
        right = np.concatenate([middle[open_], right[open_]])
        d_left = np.concatenate([d_left[open_], d_middle[open_]])
        d_right = np.concatenate([d_middle[open_], d_right[open_]])
    x, d = np.concatenate(points), np.concatenate(values)
    order = np.argsort(x, kind="stable")
    return x[order], d[order]


def law_report(law: Law, moments: int = 4, tolerance: float = 1e-4, max_points: int = 16385,
               progress: Callable[[int], None] | None = None) -> LawReport:
    """The law's support, a density grid integrating to its continuous mass within ``tolerance``, atoms.

    Each support interval's grid is refined (``_interval``) to its share of ``tolerance``, in proportion to
    its length; ``mass`` is then compared with ``1 - atoms``. ``progress(1)`` is called after each interval.

    >>> from freecalc.laws.closed import FreePoisson
    >>> report = law_report(FreePoisson(0.5))
    >>> report.atoms, abs(report.mass - 0.5) < 1e-4
    (((0.0, 0.5),), True)
    """
    support = law.support()
    atoms = law.atoms()
    expected = 1.0 - sum(mass for _, mass in atoms)
    lengths = [b - a for a, b in support]
    shares = ([length / sum(lengths) for length in lengths] if np.isfinite(sum(lengths))
              else [1 / len(support)] * len(support))
    pieces = []
    for (a, b), share in zip(support, shares, strict=True):
        pieces.append(_interval(law, a, b, tolerance * share, max_points))
        if progress is not None:
            progress(1)
    x = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0)
    density = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0)
    mass = float(np.trapezoid(density, x)) if x.size else 0.0
    return LawReport(law.name, tuple((float(a), float(b)) for a, b in support), tuple(x.tolist()),
                     tuple(density.tolist()), tuple((float(a), float(m)) for a, m in atoms),
                     tuple(float(m) for m in law.moments(moments)), mass, expected)
