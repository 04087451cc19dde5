"""Law objects and their free convolutions, in numbers: densities, atoms, supports, samplers.

Each law (:class:`~freecalc.laws.base.Law`) has moments, free cumulants, R- and S-series, the Cauchy
transform on the upper half-plane, the density of its absolutely continuous part (Stieltjes inversion),
its atoms, its support with located edges, the distribution function, quantiles and a sampler of N x N
matrices. Closed forms (:mod:`.closed`): semicircle, free Poisson / Marchenko-Pastur, arcsine; atomic laws
(:mod:`.atomic`): Bernoulli, empirical spectral laws of matrices and data; compound free Poisson laws and
the law of ``R = W^T diag(a^2) W`` (:mod:`.compound`); free sums and ``A^(1/2) B A^(1/2)`` by subordination
(:mod:`.subordination`); polynomials in free variables of any laws by linearization and operator-valued
subordination (:mod:`.linearization`, :mod:`.operator`, :mod:`.opsubordination`, :mod:`.freepolynomial`;
semicircular letters by the faster :mod:`.polynomial`); named laws and expressions (:mod:`.specs`). The
symbolic side (exact cumulants, R/S series) is :mod:`freecalc.free`.
"""

from .atomic import Atomic, bernoulli, empirical, empirical_of_data, symmetric_bernoulli
from .base import Law
from .closed import Arcsine, FreePoisson, Semicircle
from .compound import CompoundFreePoisson, ScaledSquare, r_law
from .freepolynomial import FreePolynomial, polynomial_law
from .polynomial import SemicircularPolynomial
from .specs import law_of_expression, parse_assignment, parse_law
from .subordination import FreeProduct, FreeSum

__all__ = ["Law", "Semicircle", "FreePoisson", "Arcsine", "Atomic", "bernoulli", "symmetric_bernoulli",
           "empirical", "empirical_of_data", "CompoundFreePoisson", "ScaledSquare", "r_law", "FreeSum",
           "FreeProduct", "SemicircularPolynomial", "FreePolynomial", "polynomial_law", "parse_law",
           "parse_assignment", "law_of_expression"]
