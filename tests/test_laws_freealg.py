"""Against freealg (optional: skipped unless ``freealg`` is installed; it is not a freecalc dependency).

freealg 0.12.2's ``MarchenkoPastur(lam, sigma)`` is ``FreePoisson(rate=1/lam, jump=lam sigma^2)`` and its
``Wigner(r)`` the semicircle of radius r (variance r^2/4): closed forms on both sides, equal to rounding.
Its ``CompoundFreePoisson(t, w, lam)`` (same convention as ours) solves at height ``eta``; at
``eta = 1e-9`` the two agree to 1e-6 (its error is of order eta / distance to the edges). Its
``FussCatalan(2)`` returns a density near 0 at x = 2.09 where Penson & Zyczkowski's closed form gives 0.0897
(ours agrees with the closed form to 1e-12, tests/test_laws.py), so it is not compared here.
"""

import numpy as np
import pytest

from freecalc.laws import Atomic, CompoundFreePoisson, FreePoisson, Semicircle

distributions = pytest.importorskip("freealg.distributions")


@pytest.mark.parametrize("lam, sigma", [(0.5, 1.0), (0.5, 1.3), (0.25, 0.8)])
def test_marchenko_pastur_conventions(lam, sigma):
    theirs = distributions.MarchenkoPastur(lam, sigma)
    ours = FreePoisson(rate=1 / lam, jump=lam * sigma**2)
    low, high = theirs.lam_m, theirs.lam_p
    assert ours.support()[0] == pytest.approx((low, high), abs=1e-12)
    x = np.linspace(low, high, 101)[1:-1]
    np.testing.assert_allclose(theirs.density(x), ours.density(x), rtol=1e-12)


def test_wigner_is_the_semicircle_of_that_radius():
    x = np.linspace(-2.9, 2.9, 59)
    np.testing.assert_allclose(distributions.Wigner(3.0).density(x), Semicircle(2.25).density(x), atol=1e-14)


def test_compound_free_poisson():
    theirs = distributions.CompoundFreePoisson([1.0, 3.0], [0.4, 0.6], 0.8)
    ours = CompoundFreePoisson(0.8, Atomic(np.array([1.0, 3.0]), np.array([0.4, 0.6])))
    x = np.linspace(0.05, 8.9, 120)
    np.testing.assert_allclose(theirs.density(x, eta=1e-9, tol=1e-14, max_iter=1000), ours.density(x),
                               atol=1e-6)
