"""One family of errors for freecalc.

Every error a user can cause derives from :class:`FreecalcError`; the command line turns any of them
into a single line on stderr and exit code 2.
"""

from __future__ import annotations


class FreecalcError(Exception):
    """Base class of every error caused by bad input to freecalc."""


class ParseError(FreecalcError):
    """A word or trace expression could not be parsed."""


class FamilyError(FreecalcError):
    """Letters and families are inconsistent (a letter in no family, or in two)."""


class MatrixError(FreecalcError):
    """Matrices supplied for letters are missing, non-square, mismatched or non-finite."""


class DataError(FreecalcError):
    """A data set (X, y) is missing, misshapen or non-finite."""


class ParameterError(FreecalcError):
    """A numeric parameter is outside its allowed range."""


class WorkLimitError(FreecalcError):
    """An expansion would exceed the limits on its work or size (raise them to proceed)."""
