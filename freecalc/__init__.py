"""freecalc: closed forms of traces of words in freely independent families, and their Monte Carlo checks.

One function per job (each also a command of ``freecalc``):

* :func:`expand`: the closed form of a trace expression in family-local traces, in the free limit or, with
  ``size=``, the exact Haar average at size N (``freecalc expand``);
* :func:`covariance`: the limit covariance of two traces under second-order freeness
  (``freecalc covariance``);
* :func:`check`: a closed form against Monte Carlo over Haar rotations, with calibrated verdicts
  (``freecalc check``);
* :func:`predict`: the early-time C-NFC of ``f(x) = a^T (W x)^2`` on data (``freecalc predict``);
* :mod:`freecalc.laws`: laws of free probability (moments, cumulants, transforms, densities);
* the combinatorics behind them (:func:`nc_partitions`, :func:`kreweras_complement`, :func:`moebius`, ...)
  and the moment-cumulant conversions.

Keyword names are the same everywhere: ``families``, ``group`` (``unitary`` by default), ``size``, ``basis``,
``seed``. Results are sympy expressions or frozen dataclasses with ``value`` and ``to_dict()``. The
subpackages (``combinatorics``, ``free``, ``gaussian``, ``haar``, ``numeric``, ``quadratic``, ``networks``,
``datasets``, ``derive``) are described in ``ARCHITECTURE.md``.

>>> import freecalc
>>> freecalc.expand("tr(A R A R)", ["A", "R"])
-tr(A)**2*tr(R)**2 + tr(A)**2*tr(R^2) + tr(A^2)*tr(R)**2
"""

from importlib import import_module as _import_module

from .errors import (
    DataError,
    FamilyError,
    FreecalcError,
    MatrixError,
    ParameterError,
    ParseError,
    WorkLimitError,
)

# Imported on first use (PEP 562), so that ``freecalc predict`` and other numeric paths start without
# loading sympy: public name -> module that defines it.
_LAZY = {
    "expand": "haar.traces", "parse": "free.words", "Families": "free.words",
    "covariance": "numeric.fluctuations", "check": "numeric.montecarlo", "predict": "quadratic.workflow",
    "Trace": "free.atoms", "Cumulant": "free.atoms", "BASES": "free.mixed_moments", "GROUPS": "free.letters",
    "NCPartition": "combinatorics.noncrossing", "nc_partitions": "combinatorics.noncrossing",
    "kreweras_complement": "combinatorics.noncrossing", "moebius": "combinatorics.noncrossing",
    "catalan": "combinatorics.noncrossing", "narayana": "combinatorics.noncrossing",
    "moments_to_cumulants": "free.cumulants", "cumulants_to_moments": "free.cumulants",
    "moment_to_cumulants": "free.cumulants", "cumulant_to_moments": "free.cumulants",
    "r_transform_series": "free.transforms", "s_transform_series": "free.transforms",
}
_SUBPACKAGES = ("combinatorics", "free", "gaussian", "haar", "numeric", "quadratic", "networks", "datasets",
                "derive", "laws", "testing")


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_import_module(f"{__name__}.{_LAZY[name]}"), name)
    elif name in _SUBPACKAGES:  # ``freecalc.laws`` after a plain ``import freecalc``
        value = _import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "BASES",
    "Cumulant",
    "DataError",
    "Families",
    "FamilyError",
    "FreecalcError",
    "GROUPS",
    "MatrixError",
    "NCPartition",
    "ParameterError",
    "ParseError",
    "Trace",
    "WorkLimitError",
    "catalan",
    "check",
    "covariance",
    "cumulant_to_moments",
    "cumulants_to_moments",
    "expand",
    "kreweras_complement",
    "laws",
    "moebius",
    "moment_to_cumulants",
    "moments_to_cumulants",
    "narayana",
    "nc_partitions",
    "parse",
    "predict",
    "r_transform_series",
    "s_transform_series",
]
