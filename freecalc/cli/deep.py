"""``nfc``: the feature measures of a user's MLP; the deep ``predict --depth`` and ``sweep --figure 7``."""

from __future__ import annotations

import sys

import click

from ..errors import ParameterError
from .common import SEED, cli, emit, writable_folder

ACTIVATION_NAMES = ("relu", "quadratic", "tanh", "linear")


@cli.command()
@click.argument("weights", type=click.Path(exists=True, dir_okay=False))
@click.option("--data", "data_path", required=True,
              help="Data: an .npz file with arrays X (n x d) and y (n), or a folder with X.npy and y.npy.")
@click.option("--activation", type=click.Choice(ACTIVATION_NAMES), default=None,
              help="The activation (default: the file's 'activation' entry, else relu).")
@click.option("--correlation", type=click.Choice(["cosine", "pearson"]), default="cosine", show_default=True,
              help="NFC and C-NFC: cosine (the paper's text) or Pearson over entries (its code); the "
                   "baseline is cosine.")
@click.option("--rotations", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also measure the baseline on this many Haar rotations of K.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None,
              help="Write heatmaps of each layer's NFM and AGOP (EGOP with --chain-rank) to this PNG.")
@click.option("--chain-rank", type=click.IntRange(min=2), default=None,
              help="With --plot: the labels are the chain monomial of this rank (eq. (2)); plot its EGOP.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the Haar rotations.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def nfc(weights: str, data_path: str, activation: str | None, correlation: str, rotations: int,
        plot: str | None, chain_rank: int | None, seed: int, as_json: bool) -> None:
    """Per-layer NFC, C-NFC, C/UC ratio, K's spectrum and the randomized-eigenvector baseline of an MLP.

    WEIGHTS is an .npz with arrays W1, W2, .. (W_l is k_l x k_{l-1}), the readout a, and optionally the
    initial weights W1_init, .. and the activation's name.
    """
    import numpy as np

    from ..datasets.io import load_data
    from ..networks.io import load_mlp
    from ..networks.report import layer_report, plot_features

    if chain_rank is not None and plot is None:
        raise ParameterError("--chain-rank applies only with --plot")
    net, initial = load_mlp(weights, activation)
    data = load_data(data_path)
    X = np.asarray(data.X, dtype=float)
    reports = [layer_report(net, X, layer, initial=initial, kind=correlation, rotations=rotations,
                            seed=seed + layer) for layer in range(1, net.depth + 1)]
    lines = [f"MLP: depth {net.depth}, widths {list(net.widths)}, d = {net.dim}, {net.activation.name}; "
             f"data n = {len(X)}; correlation {correlation}"]
    for r in reports:
        centered = "" if r["cnfc"] is None else f"  C-NFC {r['cnfc']:.4f}  C/UC ratio {r['ratio']:.4f}"
        spectrum, base = r["k_spectrum"], r["baseline"]
        lines.append(f"layer {r['layer']}: NFC {r['nfc']:.4f}{centered}")
        lines.append(f"  K spectrum: min {spectrum['min']:.3g} max {spectrum['max']:.3g} mean "
                     f"{spectrum['mean']:.3g} sd/mean {spectrum['sd_over_mean']:.2f} effective rank "
                     f"{spectrum['effective_rank']:.1f}")
        note = "" if base["reliable"] else "; Var D/(E D)^2 large: closure approximate"
        lines.append(f"  randomized-eigenvector baseline: {base['mean']:.4f} +- {base['sd']:.4f} (sd over "
                     f"rotations; first order {base['first_order']:.4f}, delta method "
                     f"{base['delta_mean']:.4f} +- {base['delta_sd']:.4f}{note})")
        if "rotations" in r:
            rot = r["rotations"]
            sd = "" if rot["sd"] is None else f" +- {rot['sd']:.4f} (sd)"
            lines.append(f"  {rot['count']} Haar rotations: {rot['mean']:.4f}{sd}")
    payload = {"depth": net.depth, "widths": list(net.widths), "activation": net.activation.name,
               "correlation": correlation, "layers": reports}
    if plot is not None:
        payload["plot"] = str(plot_features(net, X, plot, chain_rank=chain_rank))
        lines.append(f"wrote {plot}")
    emit(payload, as_json, lines)


def deep_predict(data_options: dict, *, depth: int, activation: str, layer: int, k: int, correlation: str,
                 observe: bool, networks: int, seed: int, as_json: bool) -> None:
    """``predict --depth L``: the first-order deep prediction, and with ``--observe`` the measurement."""
    import numpy as np

    from ..datasets import load_data, make_dataset
    from ..networks.report import deep_prediction

    o = data_options
    if o["data_path"]:
        data = load_data(o["data_path"])
    else:
        extra = o["reversing"] if o["dataset"] == "alignment-reversing" else {}
        data = make_dataset(o["dataset"], n=o["n"], d=o["d"], seed=o["seed"], balance=o["balance"],
                            alpha=o["alpha"], labels=o["labels"], rank=o["rank"], **extra)
    X, y, dataset = np.asarray(data.X, dtype=float), data.y, data.name

    out = deep_prediction(X, y, depth, activation, layer=layer, kind=correlation, width=k,
                          networks=networks if observe else 0, seed=seed)
    lines = [f"first-order predicted C-NFC ({correlation}, {dataset}, n = {len(X)}, d = {X.shape[1]}, "
             f"depth {depth}, {activation}, layer {layer}; the k -> infinity limit): {out['predicted']:.6f}"]
    if "observed" in out:
        o = out["observed"]
        spread = "" if o["sd"] is None else (f" +- {o['se']:.6f} (stderr), sd {o['sd']:.6f}; gap "
                                             f"{o['gap_in_se']:+.2f} stderr")
        lines.append(f"observed over {o['networks']} networks of width {k}: {o['mean']:.6f}{spread}")
    emit(out | {"dataset": dataset, "n": len(X), "d": int(X.shape[1])}, as_json, lines)


def figure7_sweep(*, n: int, d: int, networks: int, seed: int, correlation: str, out: str, force: bool,
                  progress: bool) -> None:
    """``sweep --figure 7``: the Figure 7 table, written as CSV, JSON and PNG."""
    import time

    from tqdm import tqdm

    from ..networks.figure7 import DEFAULT_ALPHAS, figure7_targets, run_figure7, write_figure7

    figure7_targets(out, overwrite=force)  # refuse before the run, not after it
    writable_folder(out, "the sweep")
    start = time.perf_counter()
    with tqdm(total=len(DEFAULT_ALPHAS) * 8, desc="figure 7", unit="point", disable=not progress,
              file=sys.stderr) as bar:
        result = run_figure7(n=n, d=d, networks=networks, seed=seed, kind=correlation, progress=bar.update)
    for path in write_figure7(result, out, overwrite=force):
        click.echo(f"wrote {path}")
    for key, value in result.summary().items():
        click.echo(f"{key}: |predicted - observed mean| mean {value['mean_abs_error']:.4f} max "
                   f"{value['max_abs_error']:.4f}")
    click.echo(f"{len(result.points)} points in {time.perf_counter() - start:.1f} s")
