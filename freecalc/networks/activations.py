"""Elementwise activations ``phi`` with their derivatives ``phi'``, for the MLPs of :mod:`.mlp`.

An activation is a frozen pair of vectorized functions. The built-in ones are ``quadratic`` (``h^2``, the
paper's one-layer network, arXiv:2402.05271, Section 4), ``relu`` (``max(h, 0)``, its Figures 1 and 7),
``tanh`` and ``linear``; any other is ``Activation(name, function, derivative)``.

>>> import numpy as np
>>> relu = activation("relu")
>>> relu(np.array([-1.0, 2.0])).tolist(), relu.derivative(np.array([-1.0, 2.0])).tolist()
([0.0, 2.0], [0.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError

__all__ = ["ACTIVATIONS", "Activation", "activation"]


@dataclass(frozen=True)
class Activation:
    """``phi`` and ``phi'``, both elementwise on numpy arrays."""

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]

    def __call__(self, h: np.ndarray) -> np.ndarray:
        """``phi(h)`` elementwise."""
        return self.function(h)


def _relu_derivative(h: np.ndarray) -> np.ndarray:
    return (h > 0).astype(h.dtype)


def _tanh_derivative(h: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(h) ** 2


ACTIVATIONS = {
    "quadratic": Activation("quadratic", np.square, lambda h: 2.0 * h),
    "relu": Activation("relu", lambda h: np.maximum(h, 0.0), _relu_derivative),
    "tanh": Activation("tanh", np.tanh, _tanh_derivative),
    "linear": Activation("linear", lambda h: h, np.ones_like),
}


def activation(name: str | Activation) -> Activation:
    """The built-in activation of that name (or the activation itself)."""
    if isinstance(name, Activation):
        return name
    if name not in ACTIVATIONS:
        raise ParameterError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]
