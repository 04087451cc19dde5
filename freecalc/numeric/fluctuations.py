"""Numeric values of covariances of traces, and the predicted spread of a Monte Carlo check.

Atoms of a covariance (:func:`freecalc.free.fluctuations.covariance_poly`) are valued on matrices (one
family each, :class:`~freecalc.numeric.evaluate.MatrixTraces`) or, for a random family made of one letter, by
its law: ``gue`` and ``goe`` (semicircle, ``kappa_2 = 1``), ``wishart:C`` (complex ``G G*/N``, G of size
N x M with standard complex Gaussian entries, ``C = M/N``: free Poisson, ``kappa_n = C``); their
second-order cumulants vanish in their own (complex or real) setting (Mingo & Nica 2004; Redelmeier 2014).

The spread of a check is ``sd = sqrt(E[X^2] - E[X]^2)`` for the checked expression X: exact at the matrices'
size when the Weingarten sum of ``X^2`` is small (:func:`freecalc.haar.traces.finite_size_poly`), otherwise,
for X linear in traces, from the second-order limit ``Var(tr P) ~ lim Var(Tr P) / N^2``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from ..errors import FamilyError, FreecalcError, MatrixError, ParameterError, WorkLimitError
from ..free.atoms import atom_key
from ..free.cumulants import cumulants_to_moments
from ..free.fluctuations import SECOND_ORDER_MAX_STEPS, covariance_poly, covariance_steps, linear_traces
from ..free.interpret import UNEXPANDED, interpret
from ..free.letters import letter_assignments
from ..free.poly import Poly
from ..free.words import Families, Node, Product, adjoint, base_letter
from ..haar.traces import finite_size_poly, haar_steps
from .display import Displayed
from .evaluate import MatrixTraces, evaluate_poly, first_asymmetric, validate_matrices
from .second_order_limit import FreeMoments, covariance_limit_of_sums, covariance_limit_steps

__all__ = ["RandomLaw", "Covariance", "parse_law", "covariance_value", "covariance", "predicted_spread"]


@dataclass(frozen=True)
class Covariance(Displayed):
    """``lim Cov(Tr P, Tr Q)``: closed form (sympy; None when left out), value when known, the setting."""

    first: str
    second: str
    closed_form: sympy.Expr | None
    data: dict  # what ``freecalc covariance --json`` prints

    @property
    def value(self) -> float | None:
        """The covariance's value, or None when some atom has no value (``to_dict()["value_note"]`` says)."""
        return self.data.get("value")

    def to_dict(self) -> dict:
        """JSON-ready data: the setting, the closed form as text (and LaTeX when asked), its value."""
        return dict(self.data)

    def _repr_latex_(self) -> str:
        shown = self.value if self.closed_form is None else sympy.latex(self.closed_form)
        return f"$\\displaystyle {shown}$"


@dataclass(frozen=True)
class RandomLaw:
    """The law of one random matrix letter: ``gue``, ``goe`` or ``wishart`` (with ratio ``c``)."""

    name: str
    c: float = 1.0

    @property
    def real(self) -> bool:
        """Whether the law is real (orthogonally invariant) rather than complex."""
        return self.name == "goe"

    def cumulants(self, order: int) -> list[float]:
        """First-order free cumulants kappa_1..kappa_order."""
        if self.name in ("gue", "goe"):
            return [0.0, 1.0] + [0.0] * max(order - 2, 0) if order >= 2 else [0.0][:order]
        return [self.c] * order

    def moment(self, p: int) -> float:
        """``tr(X^p)`` in the large-size limit."""
        return float(cumulants_to_moments(self.cumulants(p))[p - 1]) if p else 1.0


def parse_law(text: str) -> tuple[str, RandomLaw]:
    """``X=gue``, ``X=goe`` or ``X=wishart:C`` as (letter, law); else a one-line error."""
    letter, sep, law = text.partition("=")
    name, _, ratio = law.partition(":")
    if not sep or not letter or name not in ("gue", "goe", "wishart") or (ratio and name != "wishart"):
        raise ParameterError(f"--law {text!r}: write LETTER=gue, LETTER=goe or LETTER=wishart:C")
    c = 1.0
    if ratio:
        try:
            c = float(ratio)
        except ValueError:
            raise ParameterError(f"--law {text!r}: the Wishart ratio C must be a number") from None
        if not c > 0:
            raise ParameterError(f"--law {text!r}: the Wishart ratio C must be positive")
    return letter.strip(), RandomLaw(name, c)


def _law_value(ident: int, laws: Mapping[str, RandomLaw]) -> float | None:
    kind, payload = atom_key(ident)
    if kind == "k2":
        letters = {base_letter(x) for side in payload for arg in side for x in arg}
        return 0.0 if letters <= set(laws) else None
    words = [payload] if kind == "tr" else list(payload)
    letters = {x for w in words for x in w}
    if not letters or not letters <= set(laws):
        return None
    if len(letters) > 1:
        raise FamilyError(f"letters {sorted(letters)} with laws share an atom; give each random letter a "
                          "family of its own")
    law = laws[letters.pop()]
    if kind == "tr":
        return law.moment(len(payload))
    return law.cumulants(sum(len(w) for w in payload))[-1] if all(len(w) == 1 for w in payload) else None


def covariance_value(poly: Poly, traces: MatrixTraces | None, laws: Mapping[str, RandomLaw]) -> float:
    """Value of a covariance polynomial: law atoms from their laws, the others on the matrices."""

    def value(ident: int) -> float:
        found = _law_value(ident, laws)
        if found is not None:
            return found
        if traces is None or atom_key(ident)[0] == "k2":
            raise MatrixError(f"no value for {atom_key(ident)}: give --matrices for deterministic letters "
                              "and --law for random ones")
        return traces.value(ident)

    return evaluate_poly(poly, value)


def predicted_spread(node: Node, families: Families, matrices: Mapping[str, np.ndarray], group: str,
                     traces: MatrixTraces, max_steps: int, mean: float | None = None,
                     second_order_steps: int = SECOND_ORDER_MAX_STEPS) -> tuple[float | None, str]:
    """The standard deviation of the expression across rotations, and how it was obtained.

    ``mean`` is the exact average of the expression when the caller already has it (it is not recomputed).
    The exact route runs up to ``max_steps`` Weingarten pairs, the second-order limit (a number, by
    :func:`~freecalc.numeric.second_order_limit.covariance_limit`) up to ``second_order_steps`` steps
    (:func:`~freecalc.numeric.second_order_limit.covariance_limit_steps`); past both the spread is not
    computed, and the reason says so.
    """
    dim = next(iter(matrices.values())).shape[0]
    # Under unitary rotations tr(P) can be complex; the check samples its real part, whose variance is
    # (E[X X*] + Re E[X X]) / 2 - (Re E[X])^2 (real symmetric letters: the adjoint reverses every product).
    squares = [Product((node, node))] + ([Product((node, adjoint(node)))] if group == "unitary" else [])
    monomials = [m for square in squares for m in interpret(square, families, UNEXPANDED).get((), {})]
    steps = max((haar_steps([atom_key(i)[1] for i in m], families, group) for m in monomials), default=0)
    asymmetric = first_asymmetric(matrices)
    if asymmetric is not None:  # both formulas read a transpose as the reversed word
        return None, f"the spread formulas need symmetric matrices; {asymmetric} is not"
    if steps <= max_steps:
        second = np.mean([evaluate_poly(finite_size_poly(square, families, size=dim, group=group),
                                        traces.value) for square in squares])
        first = mean
        if first is None:
            first = evaluate_poly(finite_size_poly(node, families, size=dim, group=group), traces.value)
        return float(np.sqrt(max(second - first * first, 0.0))), "exact"
    try:
        words = linear_traces(node, families)
    except FreecalcError as problem:  # e.g. not linear in traces
        return None, str(problem)
    backwards = {word[::-1]: coefficient for word, coefficient in words.items()}
    pairs = [(words, words)] + ([(words, backwards)] if group == "unitary" else [])
    steps = sum(covariance_limit_steps(p, q, families.index, group)
                for first, second in pairs for p in first for q in second)
    if steps > second_order_steps:
        return None, (f"not computed: the second-order limit needs about {steps:,} steps, over the limit of "
                      f"{second_order_steps:,}")
    values = FreeMoments(traces, families.index)
    # unitary: Var(Re X) = (Cov(X, X) + Cov(X, X*)) / 2, X* the words read backwards (symmetric letters)
    variance = np.mean([covariance_limit_of_sums(first, second, values, group) for first, second in pairs])
    return float(np.sqrt(max(variance / dim**2, 0.0))), "second-order limit"


def covariance(first: str, second: str, families, *, group: str | None = None,
                      laws: Sequence[str] = (), matrices: Mapping[str, np.ndarray] | None = None,
                      basis: str = "moments", max_steps: int | None = SECOND_ORDER_MAX_STEPS,
                      latex: bool = False) -> Covariance:
    """``lim Cov(Tr P, Tr Q)``: closed form, and its value when every atom is known (``freecalc covariance``).

    FIRST and SECOND are words such as ``"A R A R"`` or linear combinations of ``tr(...)``, read as
    unnormalized traces ``Tr`` (Mingo & Speicher, *Free Probability and Random Matrices*, ch. 5).

    ``laws`` are ``X=gue|goe|wishart:C`` for random letters, each alone in its family and of the group's
    kind: a real law (goe) implies the orthogonal group, a complex one the unitary group, and ``group``
    (unitary when nothing else says) must agree. ``matrices`` give the deterministic letters; the
    orthogonal group's formula assumes them symmetric. ``latex`` adds the closed form in LaTeX.

    With matrices for every letter, the value is computed without the closed form, by the transfer
    recursion of :mod:`freecalc.numeric.second_order_limit` (refused past ``max_steps`` of its steps), and the
    closed form is left out, with a note, past ``max_steps`` through steps; otherwise the closed form is
    refused past them.
    """
    from ..free.atoms import poly_to_sympy
    from ..free.interpret import as_families
    from ..free.printing import iter_latex, iter_text, ordered_terms

    families = as_families(families)

    law_of: dict[str, RandomLaw] = letter_assignments(laws, parse_law)
    kinds = {"orthogonal" if law.real else "unitary" for law in law_of.values()}
    if len(kinds) > 1:
        raise ParameterError("the laws mix a real (goe) and a complex (gue, wishart) law; use one kind")
    implied = kinds.pop() if kinds else None
    group = group or implied or "unitary"
    asymmetric = first_asymmetric(matrices) if matrices is not None and group == "orthogonal" else None
    if asymmetric is not None:
        raise MatrixError(f"the orthogonal group's formula assumes symmetric letters; the matrix for "
                          f"{asymmetric} is not symmetric (use --group unitary)")
    random = []
    for letter, law in law_of.items():
        index = families.index(letter)
        if families.groups[index] != (letter,):
            raise ParameterError(f"--law {letter}=...: {letter} must be alone in its family "
                                 f"(--free {letter})")
        if law.real != (group == "orthogonal"):
            raise ParameterError(f"{law.name} is a {'real' if law.real else 'complex'} law: use --group "
                                 f"{'orthogonal' if law.real else 'unitary'}")
        random.append(index)
    data = {"first": first, "second": second, "families": [list(g) for g in families.groups], "group": group,
            "basis": basis, "laws": {x: (law.name, law.c) for x, law in law_of.items()}}
    traces = None
    if matrices is not None:
        deterministic = sorted(x for g in families.groups for x in g if x not in law_of)
        validate_matrices(matrices, deterministic)
        traces = MatrixTraces({x: np.asarray(matrices[x], dtype=float) for x in deterministic})
    numeric = traces is not None and not law_of  # the value without the closed form (second_order_limit)
    if numeric:
        words = [linear_traces(first, families), linear_traces(second, families)]
        steps = sum(covariance_limit_steps(p, q, families.index, group) for p in words[0] for q in words[1])
        if max_steps is not None and steps > max_steps:
            raise WorkLimitError(f"the covariance's value needs about {steps:,} steps, over the limit of "
                                 f"{max_steps:,} (raise --max-steps to proceed)")
        data["value"] = covariance_limit_of_sums(*words, FreeMoments(traces, families.index), group)
    poly = None
    if numeric and max_steps is not None and (steps := covariance_steps(first, second, families)) > max_steps:
        data["closed_form_note"] = (f"not computed: it needs about {steps:,} through steps, over the limit "
                                    f"of {max_steps:,} (raise --max-steps to proceed)")
    else:
        poly = covariance_poly(first, second, families, group=group, random=random, basis=basis,
                               max_steps=max_steps)
        terms = ordered_terms(poly)
        data.update(closed_form="".join(iter_text(terms)), term_count=len(terms))
        if latex:
            data["latex"] = "".join(iter_latex(terms))
    if not numeric:
        try:
            data["value"] = covariance_value(poly, traces, law_of)
        except FreecalcError as missing:
            if matrices is not None or not law_of:
                data["value_note"] = str(missing)
    return Covariance(first, second, None if poly is None else poly_to_sympy(poly), data)
