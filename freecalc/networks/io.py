"""MLP weights in ``.npz`` files.

Arrays ``W1 .. WL`` (``W_l`` is k_l x k_{l-1}), the readout ``a`` (k_L), optionally the initial weights
``W1_init .. WL_init`` and the activation's name ``activation`` (a string array).

>>> import tempfile, os
>>> from freecalc.networks.mlp import sample_mlp
>>> net = sample_mlp(3, (4, 2), "tanh", seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "net.npz")
>>> _ = save_mlp(net, path, initial=net)
>>> loaded, initial = load_mlp(path)
>>> loaded.widths, loaded.activation.name, initial is not None
((4, 2), 'tanh', True)
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..errors import DataError, FreecalcError
from .activations import Activation, activation
from .mlp import MLP

__all__ = ["load_mlp", "save_mlp"]


def save_mlp(net: MLP, path: str | Path, *, initial: MLP | None = None) -> Path:
    """Write the weights (and the initial weights, when given) and the activation's name."""
    arrays = {f"W{l}": W for l, W in enumerate(net.weights, 1)}
    if initial is not None:
        arrays |= {f"W{l}_init": W for l, W in enumerate(initial.weights, 1)}
    np.savez(path, a=net.readout, activation=np.array(net.activation.name), **arrays)
    return Path(path)


def load_mlp(path: str | Path, name: str | Activation | None = None) -> tuple[MLP, MLP | None]:
    """The network and, when the file has ``W1_init ..``, the network at initialization (same readout).

    ``name`` overrides the file's activation; without either, ReLU.
    """
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except (OSError, ValueError, zipfile.BadZipFile) as problem:
        raise DataError(f"cannot read the weights in {path}: {problem}") from None
    depth = 0
    while f"W{depth + 1}" in arrays:
        depth += 1
    if depth == 0 or "a" not in arrays:
        raise DataError(f"{path} needs arrays W1, W2, .. and the readout a; it has {sorted(arrays)}")
    if name is None:
        name = str(arrays["activation"]) if "activation" in arrays else "relu"
    act = activation(name)
    try:
        net = MLP(tuple(arrays[f"W{l}"] for l in range(1, depth + 1)), arrays["a"], act)
        initial = None
        if "W1_init" in arrays:
            initial = MLP(tuple(arrays[f"W{l}_init"] for l in range(1, depth + 1)), arrays["a"], act)
    except (KeyError, FreecalcError) as problem:
        raise DataError(f"inconsistent weights in {path}: {problem}") from None
    if initial is not None and initial.widths != net.widths:
        raise DataError(f"the initial weights in {path} have widths {initial.widths}, not {net.widths}")
    return net, initial
