"""M_n-valued Cauchy transforms of a linearization's terms, against their definitions.

``x (x) b``: the reduction to the scalar Cauchy transform against the sum over the atoms of an atomic law,
``sum_i w_i (w - t_i b)^(-1)``. A block of fixed matrices: the structured inverse against the dense
``(id (x) tr)[(w (x) I - sum_k b_k (x) A_k)^(-1)]``. Jacobians against central differences.
"""

import numpy as np
import pytest

from freecalc.laws import FreePoisson, empirical
from freecalc.laws.linearization import linearize, parse_polynomial
from freecalc.laws.operator import MatrixBlock, ScalarLetter, slope_from_jacobian

RNG = np.random.default_rng(0)
D = 12
X = RNG.standard_normal((20, D))
Y = np.sign(RNG.standard_normal(20))
C, B = X.T @ (Y[:, None] * X) / 20, X.T @ X / 20
PENCIL = linearize(parse_polynomial("C R B R C"))
N = PENCIL.size


def points(count=3):
    w = RNG.standard_normal((count, N, N)) + 1j * RNG.standard_normal((count, N, N))
    return w + np.swapaxes(w, 1, 2) + 5j * np.eye(N)


def dense(w, matrices, coefficients):
    out = []
    for one in w:
        t = np.kron(one, np.eye(D)) - sum(np.kron(b, a) for a, b in zip(matrices, coefficients, strict=True))
        out.append(np.einsum("iaja->ij", np.linalg.inv(t).reshape(N, D, N, D)) / D)
    return np.array(out)


def check_jacobian(transform, w, jac):
    h = RNG.standard_normal((N, N))
    h = h + h.T
    step = 1e-7 * np.abs(w).max()
    numeric = (transform(w + step * h) - transform(w - step * h)) / (2 * step)
    # central differences: error about step^2 times the third derivative plus rounding / step
    scale = np.abs(numeric).max()
    np.testing.assert_allclose((jac @ h.reshape(-1)).reshape(w.shape), numeric, rtol=0, atol=1e-6 * scale)


@pytest.mark.parametrize("case", ["agop", "one matrix", "shared index"])
def test_a_block_of_fixed_matrices_against_the_dense_inverse(case):
    m = PENCIL.matrices
    matrices, coefficients = {
        "agop": ((C, B), (m["C"], m["B"])),
        "one matrix": ((C,), (m["C"],)),
        "shared index": ((C, B), (m["C"] + np.diag([0, 0, 1.0, 0, 0]), m["B"] + m["C"])),
    }[case]
    block = MatrixBlock(matrices, coefficients)
    w = points()
    g, jac = block.transform(w)
    np.testing.assert_allclose(g, dense(w, matrices, coefficients), rtol=0, atol=1e-13)
    check_jacobian(lambda v: dense(v, matrices, coefficients), w, jac)


def test_a_scalar_letter_against_the_sum_over_atoms():
    law = empirical(RNG.gamma(2.0, size=40))
    b = PENCIL.matrices["R"] + 0.5 * PENCIL.matrices["B"]
    letter = ScalarLetter(law, b)
    w = points()
    exact = np.mean([np.linalg.inv(w - t * b) for t in law.points], axis=0)
    g, jac = letter.transform(w)
    np.testing.assert_allclose(g, exact, rtol=0, atol=1e-13)
    check_jacobian(lambda v: letter.transform(v, jacobian=False)[0], w, jac)
    g2, h, slope = letter.h_slope(w)
    np.testing.assert_allclose(g2, g, rtol=0, atol=1e-15)
    np.testing.assert_allclose(h, np.linalg.inv(g) - w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(slope, slope_from_jacobian(g, jac), rtol=0, atol=1e-12)


def test_a_scalar_letter_of_a_continuous_law_far_and_near_lambda_zero():
    """Series near lambda = 0 and ``zeta (zeta G(zeta) - 1)`` elsewhere give one smooth function."""
    letter = ScalarLetter(FreePoisson(0.5), PENCIL.matrices["R"])
    far = points() * 1e3  # |lambda| small: the series
    near = points()
    for w in (far, near):
        g, jac = letter.transform(w)
        check_jacobian(lambda v: letter.transform(v, jacobian=False)[0], w, jac)
    moments = FreePoisson(0.5).moments(2)
    # G(w) = w^-1 + m1 w^-1 b w^-1 + m2 w^-1 b w^-1 b w^-1 + ... far away
    w = far[0]
    inv = np.linalg.inv(w)
    b = PENCIL.matrices["R"]
    series = inv + moments[0] * inv @ b @ inv + moments[1] * inv @ b @ inv @ b @ inv
    np.testing.assert_allclose(letter.transform(far[:1], jacobian=False)[0][0], series, rtol=0, atol=1e-11)
