"""Multilayer perceptrons ``f(x) = a^T phi(W_L ... phi(W_1 x))`` and their gradients by backpropagation.

Layers are numbered 1..L: ``h_1 = W_1 x``, ``x_l = phi(h_l)``, ``h_{l+1} = W_{l+1} x_l``, ``f = a^T x_L``,
with ``W_l`` of shape ``k_l x k_{l-1}`` (``k_0 = d``). Backpropagation gives the per-example gradients in
the pre-activations (paper arXiv:2402.05271, Section 2, the PTK features):

    ``df/dh_L = a * phi'(h_L)``,   ``df/dh_l = phi'(h_l) * (W_{l+1}^T df/dh_{l+1})``,

and the gradient of ``(1/2) sum_i (f(x_i) - y_i)^2`` in ``W_l`` is ``J_l^T diag(f - y) X_{l-1}`` with
``J_l = df(X)/dh_l`` (n x k_l) and ``X_{l-1}`` the layer's inputs (n x k_{l-1}); so the gradient-flow velocity
is ``Wdot_l = J_l^T L X_{l-1}``, ``L = diag(y - f)`` (paper, Proposition 3 and eq. (5)).

Initialization (:func:`sample_mlp`): ``W_l`` i.i.d. ``N(0, s_l^2 / k_{l-1})``, ``a`` i.i.d.
``N(0, s_a^2 / k_L)`` (the fan-in convention of PyTorch's default, scale 1, used in the paper's Appendix I).

>>> net = sample_mlp(3, (4, 5), "relu", seed=0)
>>> net.depth, net.widths, net.outputs(np.ones((2, 3))).shape
(2, (4, 5), (2,))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..errors import DataError, ParameterError
from ..numeric.haar import stream
from .activations import Activation, activation

__all__ = ["MLP", "ForwardPass", "positive_scales", "sample_mlp"]


@dataclass(frozen=True, eq=False)
class ForwardPass:
    """The pre-activations ``h_1..h_L`` (each n x k_l), the layer inputs ``x_0 = X, .., x_L``, the outputs."""

    pre: tuple[np.ndarray, ...]
    post: tuple[np.ndarray, ...]
    outputs: np.ndarray


@dataclass(frozen=True, eq=False)
class MLP:
    """Weights ``W_1..W_L`` (``W_l`` is k_l x k_{l-1}), readout ``a`` (k_L) and an elementwise activation."""

    weights: tuple[np.ndarray, ...]
    readout: np.ndarray
    activation: Activation

    def __post_init__(self) -> None:
        weights = tuple(np.asarray(W, dtype=float) for W in self.weights)
        if not weights or any(W.ndim != 2 for W in weights):
            raise ParameterError("an MLP needs at least one weight matrix, each two-dimensional")
        for l in range(1, len(weights)):
            if weights[l].shape[1] != weights[l - 1].shape[0]:
                raise ParameterError(f"W_{l + 1} has {weights[l].shape[1]} columns but W_{l} has "
                                     f"{weights[l - 1].shape[0]} rows")
        readout = np.asarray(self.readout, dtype=float).reshape(-1)
        if readout.shape != (weights[-1].shape[0],):
            raise ParameterError(f"the readout needs {weights[-1].shape[0]} entries, got {readout.shape}")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "readout", readout)
        object.__setattr__(self, "activation", activation(self.activation))

    @property
    def depth(self) -> int:
        """Number of hidden layers L."""
        return len(self.weights)

    @property
    def widths(self) -> tuple[int, ...]:
        """Hidden widths ``k_1..k_L``."""
        return tuple(W.shape[0] for W in self.weights)

    @property
    def dim(self) -> int:
        """Input dimension d."""
        return self.weights[0].shape[1]

    def check_layer(self, layer: int) -> int:
        """The layer number, refused unless in 1..L."""
        if not 1 <= layer <= self.depth:
            raise ParameterError(f"layer must be in 1..{self.depth}, got {layer}")
        return layer

    def with_weight(self, layer: int, W: np.ndarray) -> MLP:
        """The same network with ``W_layer`` replaced."""
        weights = list(self.weights)
        weights[self.check_layer(layer) - 1] = W
        return replace(self, weights=tuple(weights))

    def _inputs(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise DataError(f"need X of shape (n, {self.dim}), got {X.shape}")
        return X

    def forward(self, X: np.ndarray) -> ForwardPass:
        """``h_l = x_{l-1} W_l^T``, ``x_l = phi(h_l)``, ``f = x_L a`` for every row of X."""
        post = [self._inputs(X)]
        pre = []
        for W in self.weights:
            pre.append(post[-1] @ W.T)
            post.append(self.activation(pre[-1]))
        return ForwardPass(tuple(pre), tuple(post), post[-1] @ self.readout)

    def outputs(self, X: np.ndarray) -> np.ndarray:
        """``f(x_i)`` for every row of X."""
        return self.forward(X).outputs

    def backward(self, X: np.ndarray, forward: ForwardPass | None = None) -> tuple[np.ndarray, ...]:
        """The PTK features of every layer: ``J_l = df(X)/dh_l`` (n x k_l), by backpropagation."""
        forward = self.forward(X) if forward is None else forward
        delta = self.activation.derivative(forward.pre[-1]) * self.readout[None, :]
        deltas = [delta]
        for l in range(self.depth - 1, 0, -1):  # from J_{l+1} to J_l
            delta = self.activation.derivative(forward.pre[l - 1]) * (delta @ self.weights[l])
            deltas.append(delta)
        return tuple(reversed(deltas))

    def ptk_features(self, X: np.ndarray, layer: int) -> np.ndarray:
        """``J_l = df(X)/dh_l`` (n x k_l); the PTK is ``J_l J_l^T``, its feature covariance ``J_l^T J_l``."""
        return self.backward(X)[self.check_layer(layer) - 1]

    def feature_covariance(self, X: np.ndarray, layer: int) -> np.ndarray:
        """``K_l = J_l^T J_l`` (k_l x k_l), the PTK feature covariance (paper, Section 2)."""
        J = self.ptk_features(X, layer)
        return J.T @ J

    def layer_inputs(self, X: np.ndarray, layer: int) -> np.ndarray:
        """``X_{l-1}``: the inputs of layer l (X itself for l = 1)."""
        return self.forward(X).post[self.check_layer(layer) - 1]

    def velocity(self, X: np.ndarray, y: np.ndarray, layer: int, *, residual: bool = False) -> np.ndarray:
        """``Wdot_l = J_l^T L X_{l-1}``, ``L = diag(y)`` (zero outputs, eq. (6)) or ``diag(y - f)``."""
        forward = self.forward(X)
        y = np.asarray(y, dtype=float)
        if y.shape != forward.outputs.shape:
            raise DataError(f"need y of shape {forward.outputs.shape}, got {y.shape}")
        weights = y - forward.outputs if residual else y
        J = self.backward(X, forward)[self.check_layer(layer) - 1]
        return J.T @ (weights[:, None] * forward.post[layer - 1])

    def gradients(self, X: np.ndarray, y: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
        """Gradients of ``(1/2) sum_i (f(x_i) - y_i)^2`` in ``W_1..W_L`` and in ``a``."""
        forward = self.forward(X)
        y = np.asarray(y, dtype=float)
        if y.shape != forward.outputs.shape:
            raise DataError(f"need y of shape {forward.outputs.shape}, got {y.shape}")
        error = forward.outputs - y
        deltas = self.backward(X, forward)
        pairs = zip(deltas, forward.post[:-1], strict=True)
        weights = tuple(J.T @ (error[:, None] * inputs) for J, inputs in pairs)
        return weights, forward.post[-1].T @ error


def positive_scales(value: float | Sequence[float], depth: int) -> tuple[float, ...]:
    """One positive scale per layer: a number repeated ``depth`` times, or a sequence of that length."""
    scales = (float(value),) * depth if np.isscalar(value) else tuple(float(s) for s in value)
    if len(scales) != depth or not all(np.isfinite(s) and s > 0 for s in scales):
        raise ParameterError(f"need {depth} positive initialization scales, got {value}")
    return scales


def sample_mlp(d: int, widths: Sequence[int], activation_name: str | Activation = "relu", *,
               scales: float | Sequence[float] = 1.0, readout_scale: float = 1.0,
               seed: int | np.random.Generator | None = None) -> MLP:
    """An MLP at initialization: i.i.d. ``W_l ~ N(0, s_l^2 / k_{l-1})`` and ``a ~ N(0, s_a^2 / k_L)``."""
    widths = tuple(int(k) for k in widths)
    if d < 1 or not widths or min(widths) < 1:
        raise ParameterError(f"sizes must be positive, got d = {d}, widths = {widths}")
    layer_scales = positive_scales(scales, len(widths))
    (readout_scale,) = positive_scales(readout_scale, 1)
    rng = stream(seed, "network")
    fans = (d, *widths[:-1])
    weights = tuple(rng.standard_normal((k, fan)) * (s / np.sqrt(fan))
                    for k, fan, s in zip(widths, fans, layer_scales, strict=True))
    readout = rng.standard_normal(widths[-1]) * (readout_scale / np.sqrt(widths[-1]))
    return MLP(weights, readout, activation(activation_name))
