"""``predict``, ``sweep`` and ``derive``: the paper's network on data, Figure 3, the derivations."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..datasets import DATASETS, LABELS
from ..errors import ParameterError
from ..quadratic.readout import A_LAWS
from .common import EXIT_DISAGREE, SEED, cli, emit, given, progress_bars, refuse_unless, writable_folder


def _dataset_options(func):
    """Options shared by ``predict`` and ``sweep`` that describe the data and the network."""
    options = [
        click.option("--n", "n", type=int, default=1024, show_default=True, help="Number of samples."),
        click.option("--d", "d", type=int, default=1024, show_default=True, help="Input dimension."),
        click.option("--k", "k", type=int, default=1024, show_default=True, help="Hidden-layer width."),
        click.option("--eps1", type=float, default=0.5, show_default=True,
                     help="alignment-reversing: bulk variance of the label-1 rows."),
        click.option("--eps2", type=float, default=1e-2, show_default=True,
                     help="alignment-reversing: noise added to X (relative to the row scale)."),
        click.option("--spike", type=float, default=1.0, show_default=True,
                     help="alignment-reversing: Sigma = eps1 I + spike 1 1^T / d."),
        click.option("--ridge", type=float, default=0.05, show_default=True,
                     help="alignment-reversing: X2^T X2 = (X1^T X1 + ridge)^-2 on the shared rank."),
        click.option("--invert", type=click.Choice(["smallest", "largest"]), default="smallest",
                     show_default=True, help="alignment-reversing: which eigenvalues of X1^T X1 X2 inverts."),
        click.option("--literal", is_flag=True,
                     help="alignment-reversing: the recipe exactly as printed in Appendix F (ill posed)."),
        click.option("--a-law", type=click.Choice(list(A_LAWS)), default="gaussian", show_default=True,
                     help="Law of the readout weights a (unit variance)."),
        click.option("--correlation", type=click.Choice(["cosine", "pearson"]), default="cosine",
                     show_default=True, help="cosine (the paper's text) or Pearson over entries (its code)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


REVERSING_OPTIONS = ("eps1", "eps2", "spike", "ridge", "invert", "literal")


def _reversing_options(eps1, eps2, spike, ridge, invert, literal) -> dict:
    return {"eps1": eps1, "eps2": eps2, "spike": spike, "ridge": ridge, "invert": invert, "literal": literal}


@cli.command()
@click.option("--dataset", type=click.Choice(list(DATASETS)), default="alignment-reversing",
              show_default=True, help="A built-in data set (ignored with --data).")
@click.option("--data", "data_path", type=str, default=None,
              help="Data: an .npz file with arrays X (n x d) and y (n), or a folder with X.npy and y.npy "
                   "(X memory-mapped); replaces --dataset, --n and --d.")
@click.option("--balance", type=float, default=0.3, show_default=True,
              help="alignment-reversing: the balance gamma in (0, 1].")
@click.option("--alpha", type=float, default=1.0, show_default=True,
              help="power-law: eigenvalues 1 / (1 + j^alpha).")
@click.option("--labels", type=click.Choice(list(LABELS)), default="chain", show_default=True,
              help="isotropic and power-law: the labels.")
@click.option("--rank", type=int, default=5, show_default=True, help="Rank r of the chain monomial, eq. (2).")
@_dataset_options
@click.option("--r-moments", "r_source", default="analytic", show_default=True,
              help="Moments of R = W^T diag(a^2) W: analytic (limit law), exact (E tr R^p at this k, d, "
                   "Wick), empirical (the sampled network) or average:S.")
@click.option("--observe", is_flag=True, help="Also sample the network and measure the correlation.")
@click.option("--residual", is_flag=True, help="With --observe: use y - f(X) instead of y.")
@click.option("--finite-width", is_flag=True,
              help="Also predict the mean and standard deviation across networks at this n, d, k.")
@click.option("--networks", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --observe: measure this many sampled networks (mean, sd, standard error).")
@click.option("--max-steps", type=click.IntRange(min=1), default=None,
              help="With --finite-width: refuse draws needing more multiply-adds (estimated first; default "
                   "2e11).")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the data and of the network.")
@click.option("--depth", type=click.IntRange(min=1), default=None,
              help="An MLP with this many hidden layers (width --k each): the first-order deep prediction.")
@click.option("--activation", type=click.Choice(["relu", "quadratic", "tanh"]), default="relu",
              show_default=True, help="With --depth: the activation.")
@click.option("--layer", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --depth: the layer whose C-NFC is predicted.")
@click.option("--spectra", is_flag=True,
              help="Predict the eigenvalue densities of the NFM C R C and the AGOP C R B R C (free "
                   "probability) and compare them with one sampled network's eigenvalues.")
@click.option("--plot", type=str, default=None, help="With --spectra: draw both into this PNG file.")
@click.option("--points", type=click.IntRange(min=10, max=2000), default=200, show_default=True,
              help="With --spectra: grid points of each density.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_context
def predict(ctx: click.Context, dataset: str, data_path: str | None, balance: float, alpha: float,
            labels: str, rank: int, n: int, d: int, k: int, eps1: float, eps2: float, spike: float,
            ridge: float, invert: str, literal: bool, a_law: str, correlation: str, r_source: str,
            observe: bool, residual: bool, finite_width: bool, networks: int, max_steps: int | None,
            seed: int, depth: int | None, activation: str, layer: int, spectra: bool, plot: str | None,
            points: int, as_json: bool) -> None:
    """Closed-form early-time C-NFC of f(x) = a^T (W x)^2 (or, with --depth, of an MLP's layer)."""
    from ..quadratic.workflow import PredictionConfig, run_prediction

    refuse_unless(ctx, "with --spectra", spectra, "plot", "points")
    if spectra:
        refuse_unless(ctx, "without --spectra", False, "depth", "observe", "finite_width", "r_source",
                      "correlation")
    refuse_unless(ctx, "with --depth", depth is not None, "activation", "layer")
    refuse_unless(ctx, "with --observe", observe, "residual", "networks")
    refuse_unless(ctx, "with --finite-width", finite_width, "max_steps")
    refuse_unless(ctx, "without --data (the file gives the data and their sizes)", data_path is None,
                   "dataset", "n", "d", "balance", "alpha", "labels", "rank", *REVERSING_OPTIONS)
    refuse_unless(ctx, "with --dataset alignment-reversing", dataset == "alignment-reversing", "balance",
                   *REVERSING_OPTIONS)
    refuse_unless(ctx, "with --dataset power-law", dataset == "power-law", "alpha")
    refuse_unless(ctx, "with --dataset isotropic or power-law", dataset in ("isotropic", "power-law"),
                   "labels")
    refuse_unless(ctx, "with --labels chain", labels == "chain" and dataset in ("isotropic", "power-law"),
                   "rank")
    if spectra:
        reversing = _reversing_options(eps1, eps2, spike, ridge, invert, literal)
        _spectra(dataset=dataset, data_path=data_path, n=n, d=d, k=k, seed=seed, balance=balance, alpha=alpha,
                 labels=labels, rank=rank, reversing=reversing, a_law=a_law, points=points, plot=plot,
                 as_json=as_json)
        return
    if depth is not None:
        from .deep import deep_predict

        refuse_unless(ctx, "without --depth", False, "r_source", "residual", "finite_width", "a_law")
        deep_predict(dict(dataset=dataset, data_path=data_path, n=n, d=d, seed=seed, balance=balance,
                          alpha=alpha, labels=labels, rank=rank,
                          reversing=_reversing_options(eps1, eps2, spike, ridge, invert, literal)),
                     depth=depth, activation=activation, layer=layer, k=k, correlation=correlation,
                     observe=observe, networks=networks, seed=seed, as_json=as_json)
        return

    config = PredictionConfig(
        dataset=dataset, data_path=data_path, n=n, d=d, k=k, seed=seed, balance=balance, alpha=alpha,
        labels=labels, rank=rank,
        reversing_options=_reversing_options(eps1, eps2, spike, ridge, invert, literal), a_law=a_law,
        correlation=correlation, r_source=r_source, observe=observe, residual=residual,
        finite_width=finite_width, networks=networks, max_steps=max_steps)
    with progress_bars() as bar:
        record = run_prediction(config, progress=bar)
    lines = [f"predicted C-NFC ({correlation}, {record.dataset}, n = {record.n}, d = {record.d}, k = {k}, "
             f"R moments {config.r_source}): {record.predicted:.6f}"]
    if record.observed is not None:
        lines.append(f"observed C-NFC (one sampled network{', residuals' if residual else ''}): "
                     f"{record.observed:.6f}   |predicted - observed| = "
                     f"{abs(record.predicted - record.observed):.2e}")
    if record.finite is not None:
        f = record.finite
        tail = "" if f.exact else f", tail share {f.tail_share:.1e}, tail rank {f.tail_rank:.0f}"
        if not f.reliable:
            tail += "; UNRELIABLE: the averaged tail is too large for the directions it spreads over"
        lines.append(f"predicted at finite width: {f.mean:.6f} +- {f.sd:.6f} (mean +- sd across networks; "
                     f"{f.draws} reduced draws, rank {f.rank}{tail})")
    if record.spread is not None:
        o = record.spread
        lines.append(f"observed over {o.networks} networks: {o.mean:.6f} +- {o.se:.6f} (stderr), "
                     f"sd {o.sd:.6f}")
    if record.regime_note:
        click.echo(f"note: {record.regime_note}", err=True)
    emit(record.to_dict(), as_json, lines)


def _spectra(*, dataset, data_path, n, d, k, seed, balance, alpha, labels, rank, reversing, a_law, points,
             plot, as_json) -> None:
    """``predict --spectra``: densities of the NFM and AGOP against one sampled network."""
    from ..quadratic.spectra import SPECTRA_STAGES, plot_spectra, run_spectra
    from ..quadratic.workflow import PredictionConfig

    config = PredictionConfig(dataset=dataset, data_path=data_path, n=n, d=d, k=k, seed=seed, balance=balance,
                              alpha=alpha, labels=labels, rank=rank, reversing_options=reversing, a_law=a_law)
    with progress_bars() as bar:
        record = run_spectra(config, points=points, progress=bar("spectra", SPECTRA_STAGES))
    data = record.to_dict()
    if plot is not None:
        data["plot"] = plot_spectra(record, plot)
    lines = [f"spectra of the early NFM and AGOP ({record.dataset}, n = {record.n}, d = {record.d}, "
             f"k = {k}); prediction: free probability with R's limit law, one sampled network observed"]
    for name, label in (("nfm", "NFM  C R C      "), ("agop", "AGOP C R B R C  ")):
        x, dens, eig = (getattr(record, f"{name}_{part}") for part in ("x", "density", "eigenvalues"))
        if name not in record.predicted:
            lines.append(f"{label}observed range [{eig.min():.4g}, {eig.max():.4g}]; predicted density "
                         f"{record.agop_note}")
            continue
        inside = x[dens > 1e-9 * max(dens.max(), 1e-300)]
        edge = f"[{inside.min():.4g}, {inside.max():.4g}]" if inside.size else "none"
        distance, zero, seen = data[name]["ks"], data[name]["predicted_zero_mass"], \
            data[name]["observed_zero_share"]
        lines.append(f"{label}predicted support on the grid {edge}, mass at 0 {zero:.4f}; observed range "
                     f"[{eig.min():.4g}, {eig.max():.4g}], zero share {seen:.4f}; KS distance {distance:.4f}")
    if plot is not None:
        lines.append(f"plot: {data['plot']}")
    emit(data, as_json, lines)


@cli.command()
@click.option("--balances", type=int, default=20, show_default=True,
              help="Number of balance values, evenly spaced on [0.05, 1].")
@click.option("--seeds", type=int, default=4, show_default=True, help="Number of data seeds (0, 1, ...).")
@_dataset_options
@click.option("--network-seed", type=SEED, default=0, show_default=True, help="Seed of the one network.")
@click.option("--out", type=click.Path(file_okay=False), default="sweep", show_default=True,
              help="Folder for sweep.csv, sweep.json and sweep.png.")
@click.option("--force", is_flag=True, help="Overwrite existing sweep files in --out.")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar.")
@click.option("--finite-width", is_flag=True,
              help="Add the predicted band (mean +- sd across networks at this n, d, k) and its coverage.")
@click.option("--draws", type=click.IntRange(min=2), default=400, show_default=True,
              help="Reduced draws per point for --finite-width.")
@click.option("--figure", type=click.Choice(["3", "7"]), default="3", show_default=True,
              help="3: the alignment-reversing sweep; 7: deep MLPs over the data decay rate (n = d = 128).")
@click.option("--networks", type=click.IntRange(min=2), default=8, show_default=True,
              help="With --figure 7: networks per point.")
@click.pass_context
def sweep(ctx: click.Context, balances: int, seeds: int, n: int, d: int, k: int, eps1: float, eps2: float,
          spike: float, ridge: float, invert: str, literal: bool, a_law: str, correlation: str,
          network_seed: int, out: str, force: bool, progress: bool, finite_width: bool, draws: int,
          figure: str, networks: int) -> None:
    """Figure 3 (C-NFC over the alignment-reversing balance) or Figure 7 (deep MLPs over alpha)."""
    import numpy as np
    from tqdm import tqdm

    refuse_unless(ctx, "with --figure 7", figure == "7", "networks")
    if figure == "7":
        from .deep import figure7_sweep

        refuse_unless(ctx, "with --figure 3", False, "balances", "seeds", "k", "a_law", "finite_width",
                      "draws", *REVERSING_OPTIONS)
        figure7_sweep(n=n if given(ctx, "n") else 128, d=d if given(ctx, "d") else 128, networks=networks,
                      seed=network_seed, correlation=correlation, out=out, force=force, progress=progress)
        return

    from ..numeric.resources import check_memory
    from ..quadratic.sweep import run_sweep, sweep_targets, write_sweep

    refuse_unless(ctx, "with --finite-width", finite_width, "draws")
    if balances < 1 or seeds < 1:
        raise ParameterError("--balances and --seeds must be at least 1")
    check_memory(n, d, k)
    grid = [float(g) for g in np.round(np.linspace(0.05, 1.0, balances), 10)] if balances > 1 else [1.0]
    sweep_targets(out, overwrite=force)  # refuse before the run, not after it
    writable_folder(out, "the sweep")
    with tqdm(total=len(grid) * seeds, desc="sweep", unit="data set", disable=not progress,
              file=sys.stderr) as bar:
        result = run_sweep(grid, list(range(seeds)), n=n, d=d, k=k, network_seed=network_seed, a_law=a_law,
                           kind=correlation, progress=bar.update, finite_width=finite_width, draws=draws,
                           **_reversing_options(eps1, eps2, spike, ridge, invert, literal))
    for path in write_sweep(result, out, overwrite=force):
        click.echo(f"wrote {path}")
    summary = result.summary()
    click.echo(f"|predicted - observed|: empirical R moments mean {summary['mean_abs_error_empirical']:.4f} "
               f"max {summary['max_abs_error_empirical']:.4f}; analytic mean "
               f"{summary['mean_abs_error_analytic']:.4f} max {summary['max_abs_error_analytic']:.4f}; "
               f"observed range [{summary['observed_min']:.3f}, {summary['observed_max']:.3f}]")
    if result.has_finite_width:
        click.echo(f"finite-width band: {summary['coverage_1sd']:.0%} of the observations within 1 sd "
                   f"(normal law: {summary['promised_1sd']:.0%}), {summary['coverage_2sd']:.0%} within 2 sd "
                   f"({summary['promised_2sd']:.0%}); mean z {summary['mean_z']:+.2f}; "
                   f"{summary['finite_unreliable_points']} points flagged unreliable")


@cli.command()
@click.option("--out", type=click.Path(file_okay=False), default="derivations", show_default=True,
              help="Folder of the derivation files.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the files differ from what the engine produces now.")
@click.option("--force", is_flag=True, help="Overwrite files in --out that freecalc did not write.")
def derive(out: str, check_only: bool, force: bool) -> None:
    """Regenerate the machine-checked derivations (Markdown with LaTeX)."""
    from ..derive import PAGE_COUNT, check_derivations, write_derivations

    if check_only:
        with progress_bars() as bar:
            stale = check_derivations(Path(out), progress=bar("derivations", PAGE_COUNT))
        if stale:
            click.echo(f"out of date in {out}: {', '.join(stale)} (run freecalc derive)", err=True)
            sys.exit(EXIT_DISAGREE)
        click.echo(f"{out} is up to date")
        return
    with progress_bars() as bar:
        written = write_derivations(writable_folder(out, "the derivations"), force=force,
                                    progress=bar("derivations", PAGE_COUNT))
    for path in written:
        click.echo(f"wrote {path}")
