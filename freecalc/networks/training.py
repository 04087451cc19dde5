"""Full-batch gradient descent on an MLP, for the early-time check of Proposition 3 at any depth.

The step is ``theta <- theta - (lr / n) grad (1/2) |f(X) - f_0(X) - y|^2`` on every weight matrix and the
readout (``subtract_initial``: the model is ``f - f_0``, zero at initialization, so that the limit
``lr -> 0`` of ``(W_t - W_0) / (lr t / n)`` is the velocity ``J^T Y X_{l-1}`` of the paper's eq. (6));
otherwise the plain model and the residual velocity (arXiv:2402.05271, Proposition 3).

>>> import numpy as np
>>> from freecalc.networks.mlp import sample_mlp
>>> net = sample_mlp(3, (4, 4), "tanh", seed=0)
>>> X, y = np.ones((5, 3)), np.arange(5.0)
>>> run = gradient_descent(net, X, y, lr=0.01, steps=3)
>>> run.loss[-1] < run.loss[0]
True
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import ParameterError
from .mlp import MLP

__all__ = ["TrainingRun", "gradient_descent"]


@dataclass(frozen=True, eq=False)
class TrainingRun:
    """The network after ``steps`` steps of size ``lr`` and the loss ``(1/2n)|residual|^2`` along the way."""

    network: MLP
    lr: float
    steps: int
    loss: tuple[float, ...]


def gradient_descent(net: MLP, X: np.ndarray, y: np.ndarray, *, lr: float, steps: int,
                     subtract_initial: bool = True, train_readout: bool = True) -> TrainingRun:
    """Train the weight matrices (and the readout) by full-batch gradient descent on the squared error."""
    if not (np.isfinite(lr) and lr > 0) or steps < 1:
        raise ParameterError("need a positive learning rate and at least one step")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(X)
    target = y + (net.outputs(X) if subtract_initial else 0.0)  # f - f_0 fits y  <=>  f fits y + f_0
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
        for _ in range(steps):
            losses.append(0.5 * float(np.mean((net.outputs(X) - target) ** 2)))
            grads, grad_a = net.gradients(X, target)
            weights = tuple(W - (lr / n) * G for W, G in zip(net.weights, grads, strict=True))
            readout = net.readout - (lr / n) * grad_a if train_readout else net.readout
            if not all(np.all(np.isfinite(W)) for W in (*weights, readout)):
                raise ParameterError(f"gradient descent diverged at learning rate {lr}; use a smaller one")
            net = replace(net, weights=weights, readout=readout)
        losses.append(0.5 * float(np.mean((net.outputs(X) - target) ** 2)))
    return TrainingRun(net, lr, steps, tuple(losses))
