"""Haar-distributed orthogonal matrices.

QR of a Gaussian matrix with the signs of R's diagonal moved into Q, which makes Q exactly Haar
distributed (F. Mezzadri, "How to generate random matrices from the classical compact groups",
Notices of the AMS 54 (2007), Section 5).
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["haar_orthogonal", "haar_unitary", "haar_batch", "as_generator", "stream"]


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed, or the generator itself."""
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def stream(seed: int | np.random.Generator | None, name: str) -> np.random.Generator:
    """A generator for one named purpose (data, network, ...), independent across names.

    The same integer seed gives independent streams for different names (``SeedSequence`` spawn keys), so
    data and a network drawn from seed 0 are not made of the same numbers.

    >>> a, b = stream(0, "data").standard_normal(), stream(0, "network").standard_normal()
    >>> bool(a != b) and a == stream(0, "data").standard_normal()
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),)))


def haar_orthogonal(d: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """A d x d orthogonal matrix drawn from Haar measure on O(d) (Mezzadri 2007, Section 5).

    >>> q = haar_orthogonal(4, seed=0)
    >>> bool(np.allclose(q @ q.T, np.eye(4)))
    True
    """
    return haar_batch("orthogonal", d, 1, seed)[0]


def haar_unitary(d: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """A d x d unitary matrix drawn from Haar measure on U(d) (Mezzadri 2007, Section 5).

    >>> u = haar_unitary(3, seed=0)
    >>> bool(np.allclose(u @ u.conj().T, np.eye(3)))
    True
    """
    return haar_batch("unitary", d, 1, seed)[0]


def haar_batch(group: str, size: int, count: int, seed: int | np.random.Generator | None = None
               ) -> np.ndarray:
    """``count`` independent Haar matrices of O(size) or U(size), stacked (Mezzadri 2007, Section 5).

    >>> q = haar_batch("unitary", 3, 4, seed=0)
    >>> q.shape, bool(np.allclose(q @ np.conj(np.swapaxes(q, 1, 2)), np.eye(3)))
    ((4, 3, 3), True)
    """
    if group not in ("orthogonal", "unitary"):
        raise ValueError(f"group must be orthogonal or unitary, got {group!r}")
    rng = as_generator(seed)
    z = rng.standard_normal((count, size, size))
    if group == "unitary":
        z = (z + 1j * rng.standard_normal((count, size, size))) / np.sqrt(2)
    return _q_with_phases(z)


def _q_with_phases(z: np.ndarray) -> np.ndarray:
    """Q of the QR decomposition with the phases of R's diagonal moved into it (stacked matrices too)."""
    q, r = np.linalg.qr(z)
    diagonal = np.diagonal(r, axis1=-2, axis2=-1)
    return q * (diagonal / np.abs(diagonal))[..., None, :]
