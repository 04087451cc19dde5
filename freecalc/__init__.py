"""freecalc: closed forms of traces of words in freely independent families, and their Monte Carlo checks.

The engine is split by subject (see ``ARCHITECTURE.md``): :mod:`freecalc.combinatorics`, :mod:`freecalc.free`,
:mod:`freecalc.gaussian` and :mod:`freecalc.haar` are symbolic (sympy and the standard library only);
:mod:`freecalc.numeric` is the engine's only numpy layer; :mod:`freecalc.quadratic` (the paper's network),
:mod:`freecalc.datasets` and :mod:`freecalc.derive` are built on top. The names below are the public API.
"""

from .combinatorics.noncrossing import (
    NCPartition,
    catalan,
    kreweras_complement,
    moebius,
    narayana,
    nc_partitions,
)
from .errors import (
    DataError,
    FamilyError,
    FreecalcError,
    MatrixError,
    ParameterError,
    ParseError,
)
from .free.atoms import Cumulant, Trace
from .free.cumulants import cumulant_to_moments, free_cumulants, moment_to_cumulants, moments_from_cumulants
from .free.mixed_moments import BASES
from .free.transforms import r_transform_series, s_transform_series
from .free.words import Families, canonical_rotation, parse
from .haar.traces import expand_trace

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
    "expand_trace",
    "free_cumulants",
    "kreweras_complement",
    "moebius",
    "moment_to_cumulants",
    "moments_from_cumulants",
    "narayana",
    "nc_partitions",
    "parse",
    "r_transform_series",
    "s_transform_series",
]
