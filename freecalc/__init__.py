"""freecalc: closed forms of traces of words in freely independent families, and their Monte Carlo checks.

The symbolic core (this package's top-level modules except :mod:`freecalc.cli`, :mod:`freecalc.plots` and
:mod:`freecalc.numeric`) depends on sympy and the standard library only.
"""

from .atoms import Cumulant, Trace
from .cumulants import (
    cumulant_to_moments,
    free_cumulants,
    moment_to_cumulants,
    moments_from_cumulants,
    r_transform_series,
    s_transform_series,
)
from .errors import (
    DataError,
    FamilyError,
    FreecalcError,
    MatrixError,
    ParameterError,
    ParseError,
)
from .freeness import BASES, expand_trace
from .partitions import (
    NCPartition,
    catalan,
    kreweras_complement,
    moebius,
    narayana,
    nc_partitions,
)
from .words import Families, canonical_rotation, parse

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
