"""The predicted density drawn over a histogram of a sampled matrix's eigenvalues (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .report import LawReport

__all__ = ["draw_law", "plot_law"]


def plot_law(report: LawReport, eigenvalues: np.ndarray, path: str | Path, title: str) -> Path:
    """The figure of :func:`draw_law`, saved as PNG."""
    from ..plots import save_figure

    return save_figure(draw_law(report, eigenvalues, title), path, 120)


def draw_law(report: LawReport, eigenvalues: np.ndarray, title: str):
    """The predicted density over a histogram of ``eigenvalues`` off the atoms, scaled by 1/N.

    So scaled, the histogram compares with the density of the continuous part (its area is the fraction of
    eigenvalues off the atoms); it has about 25 eigenvalues per bin of the N, and 20 to 120 bins. Atoms are
    dashed vertical lines labelled with their predicted and observed masses. Returns the matplotlib figure
    (Agg), which the caller closes.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = eigenvalues.size
    scale = max(1.0, float(np.max(np.abs(eigenvalues))))
    on_atom = np.zeros(size, dtype=bool)
    observed = []
    for location, _ in report.atoms:
        near = np.abs(eigenvalues - location) < 1e-8 * scale
        observed.append(near.mean())
        on_atom |= near
    rest = eigenvalues[~on_atom]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    if rest.size:
        counts, edges = np.histogram(rest, bins=min(120, max(20, size // 25)))
        ax.stairs(counts / (size * np.diff(edges)), edges, fill=True, color="tab:blue", alpha=0.35,
                  label=f"eigenvalues of one sampled matrix (N = {size})")
    ax.plot(report.x, report.density, color="tab:red", lw=1.6, label="predicted density")
    top = ax.get_ylim()[1]
    for (location, mass), seen in zip(report.atoms, observed, strict=True):
        ax.axvline(location, color="tab:red", ls="--", lw=1)
        ax.annotate(f" atom {mass:.3g} (sampled {seen:.3g})", (location, top * 0.9), color="tab:red",
                    fontsize=8)
    ax.set(title=title, xlabel="x", ylabel="density")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
