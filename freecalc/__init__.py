"""freecalc: closed forms of traces of words in freely independent families, and their Monte Carlo checks.

The engine is split by subject (see ``ARCHITECTURE.md``): :mod:`freecalc.combinatorics`, :mod:`freecalc.free`,
:mod:`freecalc.gaussian` and :mod:`freecalc.haar` are symbolic (sympy and the standard library only);
:mod:`freecalc.numeric` is the engine's only numpy layer; :mod:`freecalc.quadratic` (the paper's network),
:mod:`freecalc.datasets` and :mod:`freecalc.derive` are built on top. The names below are the public API.
"""

from importlib import import_module as _import_module

from .errors import (
    DataError,
    FamilyError,
    FreecalcError,
    MatrixError,
    ParameterError,
    ParseError,
)

# The rest of the public API is imported on first use (PEP 562), so that ``freecalc predict`` and other
# numeric paths start without loading sympy: name -> module that defines it.
_LAZY = {
    "NCPartition": "combinatorics.noncrossing", "catalan": "combinatorics.noncrossing",
    "kreweras_complement": "combinatorics.noncrossing", "moebius": "combinatorics.noncrossing",
    "narayana": "combinatorics.noncrossing", "nc_partitions": "combinatorics.noncrossing",
    "Cumulant": "free.atoms", "Trace": "free.atoms",
    "moments_to_cumulants": "free.cumulants", "cumulants_to_moments": "free.cumulants",
    "moment_to_cumulants": "free.cumulants", "cumulant_to_moments": "free.cumulants",
    "BASES": "free.mixed_moments",
    "r_transform_series": "free.transforms", "s_transform_series": "free.transforms",
    "Families": "free.words", "canonical_rotation": "free.words", "parse": "free.words",
    "expand_trace": "haar.traces",
}


_SUBPACKAGES = ("combinatorics", "free", "gaussian", "haar", "numeric", "quadratic", "datasets", "derive")


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(_import_module(f"{__name__}.{_LAZY[name]}"), name)
    elif name in _SUBPACKAGES:  # ``freecalc.free`` after a plain ``import freecalc``, as before
        value = _import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBPACKAGES))


__version__ = "0.1.0"

__all__ = [
    "BASES",
    "Cumulant",
    "DataError",
    "Families",
    "FamilyError",
    "FreecalcError",
    "MatrixError",
    "NCPartition",
    "ParameterError",
    "ParseError",
    "Trace",
    "canonical_rotation",
    "catalan",
    "cumulant_to_moments",
    "cumulants_to_moments",
    "expand_trace",
    "kreweras_complement",
    "moebius",
    "moment_to_cumulants",
    "moments_to_cumulants",
    "narayana",
    "nc_partitions",
    "parse",
    "r_transform_series",
    "s_transform_series",
]
