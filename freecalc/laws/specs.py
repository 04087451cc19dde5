"""Named laws as the command line writes them, and expressions in free laws.

Law specifications: ``semicircle[:VARIANCE]``, ``free-poisson:RATE[:JUMP]`` (Marchenko-Pastur when
JUMP = 1), ``bernoulli:P`` (``(1 - P) delta_0 + P delta_1``), ``arcsine`` (on [-2, 2]), ``r-law:C[:A_LAW]``
(the law of ``R = W^T diag(a^2) W`` at ``d/k = C``, ``A_LAW`` gaussian, rademacher or uniform) and
``empirical:FILE.npy`` (a 1-D array of eigenvalues, a symmetric matrix, or a data set n x d whose Gram
``X^T X / n`` is taken).

Expressions: a free sum ``A + B (+ C ...)`` of distinct letters, a free product ``A^(1/2) B A^(1/2)``
(also written ``sqrt(A) B sqrt(A)``), ``C R C`` for C with an atomic (empirical) law and R positive (the
early NFM of the paper: the spectrum of ``R^(1/2) C^2 R^(1/2)``), or a single letter; anything else is a
polynomial in letters of any laws, handled by linearization (:mod:`.freepolynomial`: the semicircle
equation of :mod:`.polynomial` for semicircular letters, operator-valued subordination otherwise).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import ParameterError, ParseError
from ..free.letters import letter_assignments
from .atomic import Atomic, bernoulli, empirical, empirical_of_data, squared
from .base import Law
from .closed import Arcsine, FreePoisson, Semicircle
from .compound import A_LAWS, r_law
from .subordination import FreeProduct, FreeSum

__all__ = ["parse_law", "parse_assignment", "parse_assignments", "law_of_expression", "LAW_FORMS"]

LAW_FORMS = ("semicircle[:VARIANCE]", "free-poisson:RATE[:JUMP]", "bernoulli:P", "arcsine", "r-law:C[:A_LAW]",
             "empirical:FILE.npy")


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"{what} must be a number, got {text!r}") from None
    if not np.isfinite(value):
        raise ParameterError(f"{what} must be finite, got {text!r}")
    return value


def _empirical(path: str) -> Law:
    file = Path(path)
    if not file.is_file():
        raise ParameterError(f"no such file: {path}")
    try:
        array = np.load(file, allow_pickle=False)
    except (OSError, ValueError) as problem:
        raise ParameterError(f"cannot read {path} as .npy: {problem}") from None
    array = np.asarray(array, dtype=float)
    if array.ndim == 2 and array.shape[0] != array.shape[1]:
        return empirical_of_data(array)
    if array.ndim == 2 and not np.allclose(array, array.T):
        return empirical_of_data(array)
    return empirical(array, f"empirical({file.name})")


def parse_law(spec: str) -> Law:
    """A law object from its specification.

    >>> parse_law("free-poisson:0.5").name, parse_law("semicircle:2").variance
    ('free Poisson(rate=0.5, jump=1)', 2.0)
    """
    name, _, rest = spec.strip().partition(":")
    args = rest.split(":") if rest else []
    name = name.lower()
    if name == "semicircle" and len(args) <= 1:
        return Semicircle(_number(args[0], "the variance") if args else 1.0)
    if name in ("free-poisson", "marchenko-pastur") and 1 <= len(args) <= 2:
        jump = _number(args[1], "the jump") if len(args) == 2 else 1.0
        return FreePoisson(_number(args[0], "the rate"), jump)
    if name == "bernoulli" and len(args) == 1:
        return bernoulli(_number(args[0], "the Bernoulli parameter"))
    if name == "arcsine" and not args:
        return Arcsine()
    if name == "r-law" and 1 <= len(args) <= 2:
        a_law = args[1] if len(args) == 2 else "gaussian"
        if a_law not in A_LAWS:
            raise ParameterError(f"unknown readout law {a_law!r}; choose from {', '.join(A_LAWS)}")
        return r_law(_number(args[0], "the ratio C"), a_law)
    if name == "empirical" and len(args) >= 1:
        return _empirical(":".join(args))
    raise ParameterError(f"unknown law {spec!r}; write one of {', '.join(LAW_FORMS)}")


def parse_assignment(text: str) -> tuple[str, Law]:
    """``LETTER=SPEC`` as a pair.

    >>> parse_assignment("B=bernoulli:0.3")[0]
    'B'
    """
    letter, equals, spec = text.partition("=")
    letter = letter.strip()
    if not equals or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", letter):
        raise ParameterError(f"write --law LETTER=LAW, e.g. --law A=semicircle (got {text!r})")
    return letter, parse_law(spec)


_ROOT = r"(?:sqrt\((\w+)\)|(\w+)\^\(1/2\))"
_PRODUCT = re.compile(rf"^\s*{_ROOT}\s*\*?\s*(\w+)\s*\*?\s*{_ROOT}\s*$")


def parse_assignments(texts) -> dict[str, Law]:
    """``LETTER=LAW`` texts as a letter -> law mapping; a letter given twice is a one-line error.

    >>> sorted(parse_assignments(["X=semicircle", "Y=arcsine"]))
    ['X', 'Y']
    """
    return letter_assignments(texts, parse_assignment)


def law_of_expression(expression: str, laws: dict[str, Law]) -> Law:
    """The law of a free sum, a free product ``A^(1/2) B A^(1/2)``, one letter, or a polynomial.

    >>> law_of_expression("A + B", {"A": Semicircle(), "B": Semicircle()}).cumulants(2).tolist()
    [0.0, 2.0]
    """
    def known(letter: str) -> Law:
        if letter not in laws:
            raise ParameterError(f"no law for {letter}; give --law {letter}=...")
        return laws[letter]

    text = expression.strip()
    if not text:
        raise ParseError("empty expression")
    if (match := _PRODUCT.match(text)) is not None:
        left, middle = match.group(1) or match.group(2), match.group(3)
        right = match.group(4) or match.group(5)
        if left != right:
            raise ParseError(f"write the product as A^(1/2) B A^(1/2), one letter outside: {expression!r}")
        return FreeProduct(known(left), known(middle))
    letters = text.replace("*", " ").split()
    if len(letters) == 3 and letters[0] == letters[2] != letters[1] and all(
            isinstance(known(x), Atomic) for x in letters[:1]):
        # C R C has the spectrum of R^(1/2) C^2 R^(1/2): the free product of the laws of C^2 and R
        return FreeProduct(squared(known(letters[0])), known(letters[1]))
    terms = [t.strip() for t in text.split("+")]
    if all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", t) for t in terms):
        if len(set(terms)) != len(terms):
            raise ParseError(f"a free sum needs distinct letters (free copies get own names): {expression!r}")
        law = known(terms[0])
        for term in terms[1:]:
            law = FreeSum(law, known(term))
        return law
    from .freepolynomial import polynomial_law

    return polynomial_law(text, laws)
