"""A law as data: support intervals, the density on a grid fine enough to integrate, atoms and moments.

The grid is a cosine (Chebyshev-Lobatto) grid on each support interval, clustered at the edges where the
density has its square-root (or stronger) behaviour, doubled until the trapezoid rule over it gives the
mass of the absolutely continuous part, ``1 - sum of the atoms``, to ``tolerance``. Gaps between intervals
add their two edges with density 0, so the trapezoid rule over the whole ``x`` is the sum over intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import Law

__all__ = ["LawReport", "law_report"]


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
    """A cosine grid on [a, b], doubled (new points only) until its trapezoid integral moves < tolerance."""
    points = 129
    t = (1 - np.cos(np.pi * np.linspace(0, 1, points))) / 2
    x = a + (b - a) * t
    d = law.density(x)
    mass = np.trapezoid(d, x)
    while points < max_points:
        points = 2 * points - 1
        t = (1 - np.cos(np.pi * np.linspace(0, 1, points))) / 2
        fine = a + (b - a) * t
        values = np.empty(points)
        values[::2] = d
        values[1::2] = law.density(fine[1::2])
        x, d = fine, values
        previous, mass = mass, np.trapezoid(d, x)
        if abs(mass - previous) < tolerance:
            break
    return x, d


def law_report(law: Law, moments: int = 4, tolerance: float = 1e-4, max_points: int = 16385) -> LawReport:
    """The law's support, a density grid integrating to its continuous mass within ``tolerance``, atoms.

    Each support interval's grid is doubled until its trapezoid integral changes by less than
    ``tolerance / (4 x number of intervals)`` (the trapezoid error on a cosine grid falls at least by half
    per doubling, so the change bounds the remaining error); ``mass`` is then compared with ``1 - atoms``.

    >>> from freecalc.laws.closed import FreePoisson
    >>> report = law_report(FreePoisson(0.5))
    >>> report.atoms, abs(report.mass - 0.5) < 1e-4
    (((0.0, 0.5),), True)
    """
    support = law.support()
    atoms = law.atoms()
    expected = 1.0 - sum(mass for _, mass in atoms)
    pieces = [_interval(law, a, b, tolerance / (4 * len(support)), max_points) for a, b in support]
    x = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0)
    density = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0)
    mass = float(np.trapezoid(density, x)) if x.size else 0.0
    return LawReport(law.name, tuple((float(a), float(b)) for a, b in support), tuple(x.tolist()),
                     tuple(density.tolist()), tuple((float(a), float(m)) for a, m in atoms),
                     tuple(float(m) for m in law.moments(moments)), mass, expected)
