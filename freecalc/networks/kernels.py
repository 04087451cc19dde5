"""The expected PTK of an MLP layer over the initialization: dual kernels and the NTK backward recursion.

For ``(u, v) ~ N(0, [[a, c], [c, b]])`` the *dual kernels* of an activation are ``E[phi(u) phi(v)]`` and
``E[phi'(u) phi'(v)]``. Closed forms:

* quadratic (Isserlis): ``E[u^2 v^2] = a b + 2 c^2``, ``E[2u 2v] = 4 c``;
* ReLU, the arc-cosine kernels of degree 1 and 0 (Cho & Saul 2009, eq. (6)), ``theta = arccos(c / sqrt(ab))``:
  ``sqrt(ab) (sin theta + (pi - theta) cos theta) / (2 pi)`` and ``(pi - theta) / (2 pi)``;
* linear: ``c`` and ``1``;
* any other activation: tensor Gauss-Hermite quadrature (``QUADRATURE_NODES`` per axis).

Infinite-width recursion (Jacot et al. 2018; Arora et al. 2019, eqs. (3)-(5) of "On exact computation with
an infinitely wide neural net"), for ``W_l ~ N(0, s_l^2 / k_{l-1})``, ``a ~ N(0, s_a^2 / k_L)`` (:mod:`.mlp`):

    ``Sigma_1 = s_1^2 X X^T / d``,  ``Sigma_{l+1} = s_{l+1}^2 E_{Sigma_l}[phi(u) phi(v)]``,
    ``Sigmadot_l = E_{Sigma_l}[phi'(u) phi'(v)]``,
    ``E[PTK_l] -> s_a^2 Sigmadot_L prod_{m=l}^{L-1} s_{m+1}^2 Sigmadot_m``  (entrywise products),

and the layer inputs' Gram ``X_{l-1} X_{l-1}^T / k_{l-1} -> Sigma_l / s_l^2`` (``X X^T / d`` for l = 1). The
PTK of layer l is ``J_l J_l^T`` with ``J_l = df(X)/dh_l`` (paper arXiv:2402.05271, Section 2).

Exact at finite width, quadratic, depth 2, layer 1 (Isserlis' theorem over ``a``, ``W_2`` and then ``W_1``,
derived in the module :mod:`freecalc.derive.deep`): with ``a, b, c`` the entries of ``Sigma_1``,
``E[PTK_1] = 16 s_a^2 s_2^4 (c (a b + 2 c^2) + (26 a b c + 16 c^3) / k_1)`` (:func:`quadratic_two_layer_ptk`).

>>> import numpy as np
>>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
>>> np.round(expected_kernels(X, 1, "relu").ptk[0], 4).tolist()
[[0.5, 0.375], [0.375, 0.5]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, ParameterError
from .activations import Activation, activation
from .mlp import positive_scales

__all__ = [
    "QUADRATURE_NODES",
    "ExpectedKernels",
    "dual_kernels",
    "expected_kernels",
    "gauss_hermite_kernels",
    "quadratic_two_layer_ptk",
]

QUADRATURE_NODES = 32
QUADRATURE_BLOCK = 512


def _arc_cosine(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    norms = np.sqrt(a * b)
    cos = np.clip(np.divide(c, norms, out=np.zeros_like(c), where=norms > 0), -1.0, 1.0)
    theta = np.arccos(cos)
    return norms * (np.sin(theta) + (np.pi - theta) * cos) / (2 * np.pi), (np.pi - theta) / (2 * np.pi)


def gauss_hermite_kernels(act: Activation, a: np.ndarray, b: np.ndarray, c: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """``E[g(u) g(v)]`` by Gauss-Hermite, ``u = sqrt(a) z1``, ``v = (c / sqrt(a)) z1 + sqrt(b - c^2 / a) z2``.

    Entries are taken ``QUADRATURE_BLOCK`` at a time, so that the m x m grid of each is not held for all.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    pair = weights[:, None] * weights[None, :]
    a, b, c = (t.reshape(-1) for t in (a, b, c))
    root_a = np.sqrt(a)
    slope = np.divide(c, root_a, out=np.zeros_like(c), where=root_a > 0)
    rest = np.sqrt(np.maximum(b - slope**2, 0.0))
    out = np.empty((2, len(a)))
    for start in range(0, len(a), QUADRATURE_BLOCK):
        part = slice(start, start + QUADRATURE_BLOCK)
        u = root_a[part, None] * nodes  # (block, m)
        v = slope[part, None, None] * nodes[:, None] + rest[part, None, None] * nodes[None, :]  # b x m x m
        for row, g in enumerate((act.function, act.derivative)):
            out[row, part] = np.einsum("ei,eij,ij->e", g(u), g(v), pair)
    return out[0], out[1]


def dual_kernels(name: str | Activation, a: np.ndarray, b: np.ndarray, c: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``E[phi(u) phi(v)]`` and ``E[phi'(u) phi'(v)]`` for ``(u, v) ~ N(0, [[a, c], [c, b]])``, entrywise."""
    act = activation(name)
    a, b, c = (np.asarray(t, dtype=float) for t in np.broadcast_arrays(a, b, c))
    if act is activation("quadratic"):
        return a * b + 2 * c**2, 4 * c
    if act is activation("relu"):
        return _arc_cosine(a, b, c)
    if act is activation("linear"):
        return c, np.ones_like(c)
    value, slope = gauss_hermite_kernels(act, a, b, c)
    return value.reshape(a.shape), slope.reshape(a.shape)


@dataclass(frozen=True, eq=False)
class ExpectedKernels:
    """Infinite-width limits on the data, each a tuple over layers 1..L of n x n matrices.

    ``forward``: ``Sigma_l``; ``ptk``: ``E[PTK_l]``; ``input_gram``: ``E[X_{l-1} X_{l-1}^T] / k_{l-1}``.
    """

    forward: tuple[np.ndarray, ...]
    ptk: tuple[np.ndarray, ...]
    input_gram: tuple[np.ndarray, ...]


def _pairs(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    diagonal = np.diag(matrix)
    return diagonal[:, None], diagonal[None, :], matrix


def expected_kernels(X: np.ndarray, depth: int, name: str | Activation = "relu", *,
                     scales: float | Sequence[float] = 1.0, readout_scale: float = 1.0) -> ExpectedKernels:
    """The NTK recursion (module notes) on the rows of X, for a network of the given depth."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise DataError(f"need X of shape (n, d), got {X.shape}")
    if depth < 1:
        raise ParameterError(f"the depth must be at least 1, got {depth}")
    layer_scales = positive_scales(scales, depth)
    (readout_scale,) = positive_scales(readout_scale, 1)
    gram = X @ X.T / X.shape[1]
    forward, derivative, inputs = [], [], [gram]
    sigma = layer_scales[0] ** 2 * gram
    for l in range(depth):
        forward.append(sigma)
        value, slope = dual_kernels(name, *_pairs(sigma))
        derivative.append(slope)
        if l + 1 < depth:
            inputs.append(value)
            sigma = layer_scales[l + 1] ** 2 * value
    ptk = [readout_scale**2 * derivative[-1]]
    for l in range(depth - 2, -1, -1):
        ptk.append(layer_scales[l + 1] ** 2 * derivative[l] * ptk[-1])
    return ExpectedKernels(tuple(forward), tuple(reversed(ptk)), tuple(inputs))


def quadratic_two_layer_ptk(X: np.ndarray, width: int, *, scales: float | Sequence[float] = 1.0,
                            readout_scale: float = 1.0) -> np.ndarray:
    """Exact ``E[PTK_1]`` of a quadratic two-hidden-layer MLP of first width ``k_1`` (module notes)."""
    if width < 1:
        raise ParameterError(f"the width must be positive, got {width}")
    s1, s2 = positive_scales(scales, 2)
    X = np.asarray(X, dtype=float)
    a, b, c = _pairs(s1**2 * X @ X.T / X.shape[1])
    return 16 * readout_scale**2 * s2**4 * (c * (a * b + 2 * c**2) + (26 * a * b * c + 16 * c**3) / width)
