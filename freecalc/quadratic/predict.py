"""Closed-form C-NFC predictions evaluated on data (see :mod:`freecalc.quadratic.words`).

Data letters are evaluated on ``C = X^T Y X``, ``B = X^T X`` (d x d, formed once, in X's float type:
:func:`~freecalc.quadratic.grams.data_grams`) and ``P = 1 1^T / d`` (never formed: a rank-one letter of
:class:`~freecalc.numeric.evaluate.MatrixTraces`); no n x n matrix is formed, and the cosine words need two
d x d products (``C^2`` as a symmetric rank-k update and ``B C^2``), formed in float32 when X is float32.
Every trace is summed in float64.

The closed forms are the engine's (:func:`freecalc.quadratic.words.cnfc_closed_forms`), read from the
package's stored copy (:mod:`.stored_forms`, kept equal to the engine's by the tests) so that a prediction
needs no sympy. Moments of R come four ways: ``analytic`` (the compound free Poisson limit,
:func:`freecalc.quadratic.rlaw.network_r_moments`, stored likewise as polynomials in d/k), ``exact``
(``E tr(R^p)`` at this k and d, the Wick engine), ``empirical`` (one sampled network) or ``average:S`` (the
mean of tr(R^p) over S sampled networks, the paper's way).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..datasets import validate_data
from ..errors import DataError, ParameterError
from ..free.atom_ids import trace_atom
from ..numeric.evaluate import MatrixTraces, evaluate_poly
from ..numeric.haar import as_generator
from .correlation import CNFC_TRACES, correlation_from_traces
from .network import CORRELATIONS, QuadraticNetwork, data_grams, sample_network
from .stored_forms import R_MOMENTS, analytic_r_moments, stored_closed_forms

__all__ = ["Prediction", "DataStatistics", "RSource", "parse_r_source", "data_matrices", "r_moments",
           "predict"]

R_ORDER = 4  # the C-NFC words contain R at most to the 4th power (eq. (26))


@dataclass(frozen=True)
class Prediction:
    """A closed-form C-NFC prediction and the traces it is made of."""

    predicted: float
    kind: str
    traces: dict
    r_moments: tuple
    r_source: str


def data_matrices(X: np.ndarray, y: np.ndarray, *, mean_letter: bool = False) -> dict[str, np.ndarray]:
    """``C = X^T diag(y) X`` and ``B = X^T X`` in X's float type (and ``P = 1 1^T / d`` with ``mean_letter``).

    The products run in X's float type (:func:`~freecalc.quadratic.grams.data_grams`); X's values are checked
    on ``X^T X`` rather than by another pass over X: its diagonal holds ``sum_i x_ij^2``, finite and not all
    zero exactly when X is (short of overflow or underflow in that type, reported as such).
    """
    X, y = validate_data(X, y, values=False)
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, in one line
        C, B = data_grams(X, y)
    if not (_finite_grams(C, B, y) and np.trace(B) > 0):
        validate_data(X, y)  # the one-line error for non-finite or all-zero X
        raise DataError(f"X^T X or X^T Y X {'is zero' if np.trace(B) == 0 else 'overflows'} in {X.dtype}; "
                        "rescale X or y")
    mats = {"C": C, "B": B}
    if mean_letter:
        d = X.shape[1]
        mats["P"] = np.full((d, d), 1.0 / d)
    return mats


def _finite_grams(C: np.ndarray, B: np.ndarray, y: np.ndarray) -> bool:
    """Whether ``C = X^T diag(y) X`` and ``B = X^T X`` are finite, read off B's diagonal when it suffices.

    By Cauchy-Schwarz every partial sum the products form obeys ``|B_ij| <= sqrt(B_ii B_jj)`` and
    ``|C_ij| <= max|y| sqrt(B_ii B_jj)``; so a finite diagonal with ``max|y| max B_ii`` (and ``max B_ii``)
    below half the type's largest number leaves no room for an overflow. Otherwise every entry is looked at.
    """
    diagonal = np.diagonal(B)
    if not np.all(np.isfinite(diagonal)):
        return False
    largest, top = float(np.max(diagonal, initial=0.0)), float(np.finfo(B.dtype).max) / 2
    if largest < top and float(np.max(np.abs(y), initial=0.0)) * largest < top:
        return True
    return bool(np.all(np.isfinite(B)) and np.all(np.isfinite(C)))


@dataclass(frozen=True)
class RSource:
    """Where R's moments come from.

    ``analytic`` (the limit law), ``exact`` (E tr R^p at this k and d), ``empirical`` (one network) or
    ``average`` over ``networks`` samples.
    """

    kind: str
    networks: int = 1

    def __str__(self) -> str:
        return f"average:{self.networks}" if self.kind == "average" else self.kind


def parse_r_source(text: str | RSource) -> RSource:
    """``analytic``, ``empirical`` or ``average:S`` (S >= 1) as an :class:`RSource`; else a one-line error.

    >>> parse_r_source("average:30")
    RSource(kind='average', networks=30)
    """
    if isinstance(text, RSource):
        return text
    if text in ("analytic", "empirical", "exact"):
        return RSource(text)
    if text.startswith("average:"):
        try:
            count = int(text.split(":", 1)[1])
        except ValueError:
            raise ParameterError(f"bad R-moment source {text!r}; use average:S with an integer S") from None
        if count < 1:
            raise ParameterError("average:S needs S >= 1")
        return RSource("average", count)
    raise ParameterError(f"unknown R-moment source {text!r}; use analytic, exact, empirical or average:S")


def r_moments(source: str | RSource, d: int, k: int, *, a_law: str = "gaussian", seed=None,
              order: int = R_ORDER, network: QuadraticNetwork | None = None) -> np.ndarray:
    """Moments tr(R^p), p = 1..order, from ``analytic``, ``exact``, ``empirical`` or ``average:S``.

    ``empirical`` uses ``network`` when given, else one network sampled from ``seed``; ``average:S`` is the
    mean over S networks sampled from ``seed`` (the paper averages 30, Appendix K).
    """
    source = parse_r_source(source)
    if d < 1 or k < 1:
        raise ParameterError("sizes must be positive")
    if source.kind == "analytic":
        if order <= R_MOMENTS:
            return np.array(analytic_r_moments(order, d, k, a_law))
        from .rlaw import network_r_moments  # the engine, beyond the stored orders

        return np.array([float(m) for m in network_r_moments(order, Fraction(d, k), a_law)])
    if source.kind == "exact":
        from .rlaw import evaluate_exact_r_moments  # the Wick engine (sympy)

        return np.array(evaluate_exact_r_moments(order, d, k, a_law))
    if source.kind == "empirical":
        if network is None:
            network = sample_network(d, k, a_law=a_law, seed=seed)
        return network.r_moments(order)
    rng = as_generator(seed)
    draws = [sample_network(d, k, a_law=a_law, seed=rng).r_moments(order) for _ in range(source.networks)]
    return np.mean(draws, axis=0)


C_SQUARED = ("C", "C")  # the word whose product DataStatistics keeps for --finite-width


class DataStatistics:
    """The data side of a prediction: traces of words in ``C``, ``B`` (and ``P``), computed once, memoised.

    ``grams`` is ``(C, B)``, for observing a network on the same data without forming them again
    (:func:`~.network.velocity_cnfc`); :attr:`c_squared` is ``C^2`` as formed for the trace words, kept with
    ``keep_c_squared`` (else its memory goes to what comes next, as every other product's does).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, kind: str = "cosine", *,
                 keep_c_squared: bool = True) -> None:
        if kind not in CORRELATIONS:
            raise ParameterError("correlation must be cosine or pearson")
        mats = data_matrices(X, y)
        self.grams = (mats["C"], mats["B"])
        self.kind = kind
        self.dim = mats["B"].shape[0]
        self.names = list(CNFC_TRACES) if kind == "pearson" else ["numerator", "nfm_square", "agop_square"]
        forms = stored_closed_forms()  # the engine's closed forms (stored_forms), read without sympy
        self.polys = {name: forms[name] for name in self.names}
        rank_one = {"P": np.full(self.dim, self.dim**-0.5)} if kind == "pearson" else None
        single = np.asarray(X).dtype == np.float32  # products in the data's precision, traces in float64
        self.traces = MatrixTraces(mats, symmetric=True, rank_one=rank_one,
                                   product_dtype=np.float32 if single else None)
        r_atoms = {trace_atom(("R",) * p) for p in range(1, R_ORDER + 1)}
        atoms = {i for poly in self.polys.values() for monomial in poly for i in monomial} - r_atoms
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, in one line
            self.traces.prepare(atoms)
        self.traces.drop_products(keep=[C_SQUARED] if keep_c_squared else [])
        if not all(np.isfinite(self.traces.value(atom)) for atom in atoms):
            raise DataError(f"the trace words in X^T X and X^T Y X (up to degree 6) overflow in "
                            f"{'float32' if single else 'float64'}; rescale X or y")

    @property
    def c_squared(self) -> np.ndarray | None:
        """``C^2`` if the trace words formed it (in X's float type) and it was kept, else None."""
        return self.traces.formed_product(C_SQUARED)

    def predict(self, moments, r_source: str = "given") -> Prediction:
        """The correlation from R's moments ``tr(R^p)``, p = 1..4."""
        rm = tuple(float(m) for m in moments)
        r_values = {trace_atom(("R",) * p): rm[p - 1] for p in range(1, len(rm) + 1)}

        def value(ident: int) -> float:
            return r_values[ident] if ident in r_values else self.traces.value(ident)

        traces = {name: evaluate_poly(poly, value) for name, poly in self.polys.items()}
        value_of_rho = correlation_from_traces(traces, self.kind, self.dim)
        return Prediction(value_of_rho, self.kind, traces, rm, r_source)


def predict(X: np.ndarray, y: np.ndarray, *, k: int, r_source: str | RSource = "analytic",
            a_law: str = "gaussian", seed=None, kind: str = "cosine", moments: np.ndarray | None = None,
            network: QuadraticNetwork | None = None, statistics: DataStatistics | None = None) -> Prediction:
    """Closed-form C-NFC ``rho(Wdot^T Wdot, Wdot^T K Wdot)`` on data (X, y) for width k.

    The closed forms are the engine's (:func:`freecalc.quadratic.words.cnfc_closed_forms`, stored); data
    traces are evaluated on ``C`` and ``B`` with shared products, R's moments come from ``moments`` if
    given, else from ``r_source`` (``network`` is the sampled network for ``empirical``). ``statistics``
    are the :class:`DataStatistics` of (X, y) if already computed (X and y are then not read again).
    """
    if statistics is not None and statistics.kind != kind:
        raise ParameterError(f"the statistics are for the {statistics.kind} correlation, not {kind}")
    stats = DataStatistics(X, y, kind) if statistics is None else statistics
    d = stats.dim
    if network is not None and (network.dim != d or network.width != k):
        raise ParameterError(f"the network has d = {network.dim}, k = {network.width}; "
                             f"the data need d = {d}, k = {k}")
    if moments is not None:
        return stats.predict(moments)
    source = parse_r_source(r_source)
    return stats.predict(r_moments(source, d, k, a_law=a_law, seed=seed, network=network), str(source))
