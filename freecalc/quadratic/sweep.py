"""The paper's Figure 3: predicted versus observed C-NFC over the balance of the alignment-reversing data.

For every balance gamma and data seed, one data set is drawn
(:func:`~freecalc.datasets.alignment_reversing`) and the correlation is predicted by the closed form
(:class:`~.predict.DataStatistics`) with R's moments ``analytic`` and ``empirical`` (from the network),
and observed on **one** network shared by every point (:func:`~.network.velocity_cnfc`), as in the paper's
Section 4.2 and Appendix K. With ``finite_width`` every point also gets the predicted law of the observation
at this n, d, k (:func:`~.finite_width.finite_width_prediction`: mean and standard deviation across
networks), and the summary says how often the observations fall in the band ``mean +- sd`` (and ``2 sd``),
against the 68.3% (95.4%) a normal law promises. The points share one network, so their errors are
correlated and the coverage of one sweep varies more than that of independent points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..datasets import alignment_reversing
from ..errors import ParameterError
from .finite_width import finite_width_prediction
from .network import QuadraticNetwork, sample_network, velocity_cnfc
from .predict import DataStatistics, r_moments

__all__ = ["DEFAULT_BALANCES", "SweepPoint", "SweepResult", "run_sweep", "sweep_targets", "write_sweep"]

DEFAULT_BALANCES = tuple(float(g) for g in np.round(np.linspace(0.05, 1.0, 20), 10))
COLUMNS = ("balance", "seed", "predicted_empirical", "predicted_analytic", "observed")
FINITE_COLUMNS = ("predicted_finite", "predicted_sd", "finite_reliable")
NORMAL_COVERAGE = {1: 0.6827, 2: 0.9545}  # P(|Z| <= z) for a standard normal Z


@dataclass(frozen=True)
class SweepPoint:
    """One data set of the sweep: its balance and seed, the two predictions and the observation."""

    balance: float
    seed: int
    predicted_empirical: float
    predicted_analytic: float
    observed: float
    predicted_finite: float | None = None  # mean across networks at this n, d, k
    predicted_sd: float | None = None  # standard deviation across networks
    finite_reliable: bool | None = None


@dataclass(frozen=True)
class SweepResult:
    """All points of a sweep and the settings that produced them."""

    points: tuple[SweepPoint, ...]
    settings: dict

    def errors(self, source: str = "empirical") -> np.ndarray:
        """``|predicted - observed|`` for every point, with ``empirical`` or ``analytic`` R moments."""
        return np.array([abs(getattr(p, f"predicted_{source}") - p.observed) for p in self.points])

    def summary(self) -> dict:
        """Mean and maximum absolute errors for both R-moment sources, and the range of the observations."""
        observed = np.array([p.observed for p in self.points])
        out = {"points": len(self.points), "observed_min": float(observed.min()),
               "observed_max": float(observed.max())}
        for source in ("empirical", "analytic"):
            err = self.errors(source)
            out[f"mean_abs_error_{source}"] = float(err.mean())
            out[f"max_abs_error_{source}"] = float(err.max())
        if self.has_finite_width:
            z = np.array([(p.observed - p.predicted_finite) / p.predicted_sd for p in self.points])
            for width, promised in NORMAL_COVERAGE.items():
                out[f"coverage_{width}sd"] = float(np.mean(np.abs(z) <= width))
                out[f"promised_{width}sd"] = promised
            out["mean_z"] = float(z.mean())
            out["finite_unreliable_points"] = sum(not p.finite_reliable for p in self.points)
        return out

    @property
    def has_finite_width(self) -> bool:
        """Whether the points carry the finite-width band."""
        return bool(self.points) and self.points[0].predicted_finite is not None

    @property
    def columns(self) -> tuple[str, ...]:
        """The CSV columns: the finite-width ones only when computed."""
        return COLUMNS + FINITE_COLUMNS if self.has_finite_width else COLUMNS


def run_sweep(balances: Sequence[float] = DEFAULT_BALANCES, seeds: Sequence[int] = (0, 1, 2, 3), *,
              n: int = 1024, d: int = 1024, k: int = 1024, network_seed: int = 0, a_law: str = "gaussian",
              kind: str = "cosine", network: QuadraticNetwork | None = None,
              progress: Callable[[], None] | None = None, finite_width: bool = False, draws: int = 400,
              **dataset_options) -> SweepResult:
    """Predicted (analytic and empirical R moments) and observed C-NFC for every (balance, seed).

    With ``finite_width``, also the finite-width mean and standard deviation from ``draws`` reduced draws.
    """
    balances, seeds = [float(g) for g in balances], [int(s) for s in seeds]
    if not balances or not seeds:
        raise ParameterError("a sweep needs at least one balance and one seed")
    bad = [g for g in balances if not 0 < g <= 1]
    if bad:
        raise ParameterError(f"balances must be in (0, 1], got {bad[0]}")
    if network is None:
        network = sample_network(d, k, a_law=a_law, seed=network_seed)
    empirical = network.r_moments()
    analytic = r_moments("analytic", d, k, a_law=a_law)
    points = []
    for seed in seeds:
        for balance in balances:
            data = alignment_reversing(n, d, balance, seed=seed, **dataset_options)
            stats = DataStatistics(data.X, data.y, kind)
            band = {}
            if finite_width:
                fw = finite_width_prediction(data.X, data.y, k=k, a_law=a_law, kind=kind, draws=draws,
                                             seed=seed, grams=stats.grams)
                band = {"predicted_finite": fw.mean, "predicted_sd": fw.sd, "finite_reliable": fw.reliable}
            points.append(SweepPoint(float(balance), int(seed), stats.predict(empirical).predicted,
                                     stats.predict(analytic).predicted,
                                     velocity_cnfc(network, data.X, data.y, kind=kind, grams=stats.grams),
                                     **band))
            if progress is not None:
                progress()
    settings = {"n": n, "d": d, "k": k, "network_seed": network_seed, "a_law": a_law, "correlation": kind,
                "balances": list(map(float, balances)), "seeds": list(map(int, seeds)),
                "dataset": "alignment-reversing", "dataset_options": dataset_options,
                "r_moments_empirical": empirical.tolist(), "r_moments_analytic": analytic.tolist(),
                "finite_width": finite_width, "draws": draws if finite_width else None}
    return SweepResult(tuple(points), settings)


def sweep_targets(out: str | Path, *, overwrite: bool = False) -> list[Path]:
    """The paths ``sweep.csv``, ``sweep.json``, ``sweep.png`` in ``out``; an existing one needs overwrite."""
    from ..plots import result_paths

    return result_paths(out, "sweep", overwrite=overwrite)


def write_sweep(result: SweepResult, out: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``sweep.csv``, ``sweep.json`` and ``sweep.png`` into ``out``; existing files need overwrite."""
    from ..plots import plot_sweep, write_results

    payload = {"settings": result.settings, "summary": result.summary()}
    return write_results(out, "sweep", result.columns, result.points, payload,
                         lambda path: plot_sweep(result, path), overwrite=overwrite)
