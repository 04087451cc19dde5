"""Haar-distributed orthogonal matrices.

QR of a Gaussian matrix with the signs of R's diagonal moved into Q, which makes Q exactly Haar
distributed (F. Mezzadri, "How to generate random matrices from the classical compact groups",
Notices of the AMS 54 (2007), Section 5).
"""

from __future__ import annotations

import numpy as np

__all__ = ["haar_orthogonal", "as_generator"]


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed, or the generator itself."""
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def haar_orthogonal(d: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """A d x d orthogonal matrix drawn from Haar measure on O(d) (Mezzadri 2007, Section 5).

    >>> q = haar_orthogonal(4, seed=0)
    >>> bool(np.allclose(q @ q.T, np.eye(4)))
    True
    """
    rng = as_generator(seed)
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))
