"""Plots (matplotlib, non-interactive Agg backend): the paper's Figure 3 from a sweep; result files.

A sweep is written as three files beside each other, ``STEM.csv`` (one row per point), ``STEM.json``
(settings, summary and points) and ``STEM.png`` (its figure): :func:`result_paths`, :func:`write_results`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import matplotlib

from .errors import ParameterError

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["plot_sweep", "result_paths", "save_figure", "write_results"]


def result_paths(out: str | Path, stem: str, *, overwrite: bool = False) -> list[Path]:
    """``STEM.csv``, ``STEM.json`` and ``STEM.png`` in ``out``; an existing one needs ``overwrite``."""
    targets = [Path(out) / f"{stem}.{ext}" for ext in ("csv", "json", "png")]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not overwrite:
        raise ParameterError(f"{existing[0]} exists; choose another --out or pass --force")
    return targets


def write_results(out: str | Path, stem: str, columns: Sequence[str], points: Sequence, payload: dict,
                  draw: Callable[[Path], object], *, overwrite: bool = False) -> list[Path]:
    """Write the points' ``columns`` (CSV), ``payload`` with the points (JSON) and ``draw``'s figure (PNG)."""
    targets = result_paths(out, stem, overwrite=overwrite)
    Path(out).mkdir(parents=True, exist_ok=True)
    with targets[0].open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for point in points:
            writer.writerow([getattr(point, c) for c in columns])
    targets[1].write_text(json.dumps(payload | {"points": [asdict(p) for p in points]}, indent=2) + "\n")
    draw(targets[2])
    return targets


def save_figure(fig, path: str | Path, dpi: int) -> Path:
    """Write a figure as PNG at ``path`` and close it, also when writing fails; returns the path."""
    target = Path(path)
    try:
        fig.savefig(target, dpi=dpi)
    finally:
        plt.close(fig)
    return target


def plot_sweep(result, path: str | Path) -> Path:
    """Per-seed predicted and observed curves with their means, and predicted versus observed (Figure 3).

    With the finite-width band, the observed panel shows the predicted mean +- sd across networks, and the
    last panel the finite-width predictions with the sd of a seed mean.
    """
    points = result.points
    seeds = sorted({p.seed for p in points})
    balances = sorted({p.balance for p in points})
    table = {(p.seed, p.balance): p for p in points}

    def per_seed(field: str) -> np.ndarray:  # [seed, balance]
        return np.array([[getattr(table[s, g], field) for g in balances] for s in seeds])

    def seed_mean(field: str) -> np.ndarray:  # per balance
        return per_seed(field).mean(axis=0)

    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    for column, (field, title) in enumerate((("predicted_empirical", "predicted (empirical R moments)"),
                                             ("observed", "observed (one network)"))):
        ax = axes[column]
        curves = per_seed(field)
        for s, curve in zip(seeds, curves, strict=True):
            label = "single seeds" if s == seeds[0] else None
            ax.plot(balances, curve, color="tab:blue", alpha=0.25, lw=1, label=label)
        ax.plot(balances, curves.mean(axis=0), color="tab:blue", lw=2.2, label="mean over seeds")
        if field == "observed" and result.has_finite_width:
            mean, sd = seed_mean("predicted_finite"), seed_mean("predicted_sd")
            ax.fill_between(balances, mean - sd, mean + sd, color="tab:orange", alpha=0.3,
                            label="predicted at finite width (mean $\\pm$ sd)")
            ax.plot(balances, mean, color="tab:orange", lw=1.2)
        ax.set(title=title, xlabel="balance $\\gamma$", ylabel="C-NFC")
        ax.legend(loc="lower left", fontsize=8)
    predicted, analytic = seed_mean("predicted_empirical"), seed_mean("predicted_analytic")
    observed = seed_mean("observed")
    ax = axes[2]
    values = np.concatenate([observed, predicted, analytic])
    low, high = values.min(), values.max()
    ax.plot([low, high], [low, high], color="gray", lw=1, ls="--")
    ax.scatter(predicted, observed, s=18, label="empirical R moments")
    ax.scatter(analytic, observed, s=18, marker="x", label="analytic R moments")
    if result.has_finite_width:
        finite, sd = seed_mean("predicted_finite"), seed_mean("predicted_sd")
        ax.errorbar(finite, observed, xerr=sd / np.sqrt(len(seeds)), fmt="s", ms=3, color="tab:orange",
                    label="finite width ($\\pm$ sd of a seed mean)")
    ax.set(title="one point per balance (seed mean)", xlabel="predicted", ylabel="observed")
    ax.legend(loc="upper left", fontsize=8)
    settings = result.settings
    fig.suptitle(f"alignment-reversing data, n = {settings['n']}, d = {settings['d']}, k = {settings['k']}")
    fig.tight_layout()
    return save_figure(fig, path, 110)
