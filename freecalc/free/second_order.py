"""Second-order freeness: fluctuation moments, second-order cumulants, covariances of traces of words.

Moment-cumulant formula over partitioned permutations (Collins, Mingo, Sniady & Speicher, "Second order
freeness and fluctuations of random matrices III", Doc. Math. 12 (2007); Mingo & Speicher, *Free Probability
and Random Matrices*, Fields Monographs 35, 2017, Chapter 5)::

    alpha_{p,q} = lim Cov(Tr X^p, Tr X^q) = sum_{pi in S_NC(p,q)} kappa_pi
                + sum_{pi1 in NC(p), pi2 in NC(q), V1 in pi1, V2 in pi2} kappa_{|V1|,|V2|} prod_B kappa_|B|

In the real (orthogonally invariant) case the first sum is taken twice, the second time with the inner
circle's orientation reversed, i.e. the inner word transposed (Redelmeier, IMRN 2014; Mingo & Popa, J. Math.
Phys. 54, 2013). Collecting the cycles that stay on one circle into moments of the arcs they live in gives
the form computed here: ``alpha_{p,q} = sum_{x,y} G(p,x) G(q,y) (c T(x,y) + kappa_{x,y})``, ``c = 1``
(complex) or 2 (real), ``G(p, x)`` the sum over x-subsets of the p-cycle of the product of the moments of
the arcs between them, ``T(x, y)`` the sum of ``kappa_pi`` over through permutations (every cycle meets both
circles, :func:`freecalc.combinatorics.annular.through_permutations`).

Deterministic matrices have all fluctuation moments zero, hence *non-zero* second-order cumulants: induction
on ``p + q`` in the formula above gives ``kappa_{p,q} = -c T(p, q)`` (so ``kappa_{1,1} = -kappa_2``). In
:func:`covariance` these terms cancel exactly the configurations whose through cycles all lie in one
deterministic family, which is how they are computed (checked against the recursion in the tests).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import combinations
from math import prod
from typing import Any

import sympy

from freecalc.combinatorics.annular import (
    arc_length_counts,
    monochromatic_nc_partitions,
    through_cycle_type_counts,
    through_permutations,
)
from freecalc.combinatorics.noncrossing import nc_moebius_table
from freecalc.errors import ParameterError
from freecalc.free import poly as _poly
from freecalc.free.letters import canonical_rotation, check_group
from freecalc.free.poly import Poly

__all__ = [
    "second_order_moments",
    "second_order_cumulants",
    "law_second_order_moments",
    "canonical_atom",
    "covariance",
    "covariance_in_moments",
    "covariance_to_moments",
]

Word = tuple[str, ...]
Letters = Iterable[str]
Families = Sequence[Iterable[str]]
Pair = tuple[int, int]
Atom = tuple[str, Any]


# --- one variable -----------------------------------------------------------------------------------------


def _evaluate(profile: Counter, values: Mapping[int, Any]) -> Any:
    return sum(count * prod((values[n] for n in key), start=1) for key, count in profile.items())


def _power_coefficient(m: Mapping[int, Any], s: int, total: int) -> Any:
    """``sum_{i_1 + ... + i_s = total} m_{i_1} ... m_{i_s}`` with ``m_0 = 1``."""
    row = [1] + [0] * total
    for _ in range(s):
        row = [sum(row[j] * m[i - j] for j in range(i + 1)) for i in range(total + 1)]
    return row[total]


def _moments(kappa: Mapping[int, Any], n_max: int) -> dict[int, Any]:
    """``m_n = sum_s kappa_s sum_{i_1+..+i_s = n-s} m_{i_1}..m_{i_s}`` (Nica & Speicher 2006, Lecture 11)."""
    m: dict[int, Any] = {0: 1}
    for n in range(1, n_max + 1):
        m[n] = _simplify(sum(kappa.get(s, 0) * _power_coefficient(m, s, n - s) for s in range(1, n + 1)))
    return m


def _simplify(value: Any) -> Any:
    return sympy.expand(value) if isinstance(value, sympy.Basic) else value


def _second(table: Mapping[Pair, Any], x: int, y: int, default: Any = 0) -> Any:
    return table.get((x, y), table.get((y, x), default))


def _alpha(p: int, q: int, m: Mapping, kappa: Mapping, second: Mapping, c: int) -> Any:
    """``sum_{x<=p, y<=q} G(p,x) G(q,y) (c T(x,y) + kappa_{x,y})`` with ``kappa_{x,y}`` from ``second``."""
    total = 0
    for x in range(1, p + 1):
        gx = _evaluate(arc_length_counts(p, x), m)
        for y in range(1, q + 1):
            inner = c * _evaluate(through_cycle_type_counts(x, y), kappa) + _second(second, x, y)
            total += gx * _evaluate(arc_length_counts(q, y), m) * inner
    return total


def second_order_moments(
    first_cumulants: Mapping[int, Any], second_cumulants: Mapping[Pair, Any], max_order: int, *, real=False
) -> dict[Pair, Any]:
    """Fluctuation moments ``alpha_{p,q}``, all ``p, q >= 1`` with ``p + q <= max_order``.

    ``alpha_{p,q} = sum_{x,y} G(p,x) G(q,y) (c T(x,y) + kappa_{x,y})`` (module docstring; Mingo & Speicher
    2017, Chapter 5); ``c = 2`` when ``real``. Cumulants not given are zero; keys ``(p, q)`` or ``(q, p)``.

    >>> second_order_moments({2: 1}, {}, 4)[(2, 2)]  # GUE: non-crossing annular pairings
    2
    >>> second_order_moments({n: 1 for n in range(1, 5)}, {}, 4)[(2, 2)]  # free Poisson, c = 1
    18
    """
    m = _moments(first_cumulants, max_order)
    kappa = {n: first_cumulants.get(n, 0) for n in range(1, max_order + 1)}
    c = 2 if real else 1
    pairs = [(p, t - p) for t in range(2, max_order + 1) for p in range(1, t)]
    return {(p, q): _simplify(_alpha(p, q, m, kappa, second_cumulants, c)) for p, q in pairs}


def second_order_cumulants(
    first_moments: Mapping[int, Any], second_moments: Mapping[Pair, Any], max_order: int, *, real=False
) -> dict[Pair, Any]:
    """Second-order free cumulants ``kappa_{p,q}``, ``p + q <= max_order``: the inverse of the above.

    Solved for the ``x = p, y = q`` term (``G(p, p) = 1``) by increasing ``p + q``. Needs ``m_1, ...,
    m_{max_order}`` and every ``alpha_{p,q}`` with ``p + q <= max_order`` (either key order).

    >>> second_order_cumulants({1: 0, 2: 1}, {(1, 1): 0}, 2)  # deterministic: kappa_{1,1} = -kappa_2
    {(1, 1): -1}
    """
    missing = [n for n in range(1, max_order + 1) if n not in first_moments]
    if missing:
        raise ParameterError(f"first-order moments m_n needed for n = {missing}")
    m = {0: 1, **{n: first_moments[n] for n in range(1, max_order + 1)}}
    kappa: dict[int, Any] = {}
    for n in range(1, max_order + 1):  # free cumulants: the s = n term of _moments is kappa_n itself
        kappa[n] = _simplify(m[n] - sum(kappa[s] * _power_coefficient(m, s, n - s) for s in range(1, n)))
    c, out = 2 if real else 1, {}
    for p, q in [(p, t - p) for t in range(2, max_order + 1) for p in range(1, t)]:
        alpha = _second(second_moments, p, q, None)
        if alpha is None:
            raise ParameterError(f"second-order moment alpha_({p},{q}) needed")
        out[(p, q)] = _simplify(alpha - _alpha(p, q, m, kappa, {**out, (p, q): 0}, c))
    return out


_LAWS = {"gue": False, "goe": True, "wishart": False, "complex_wishart": False, "real_wishart": True}  # real?


def law_second_order_moments(law: str, p: int, q: int, *, c: Any = 1) -> Any:
    """``lim Cov(Tr X^p, Tr X^q)`` for ``law`` in ``gue, goe, wishart (= complex_wishart), real_wishart``.

    GUE, GOE (``E|x_ij|^2 = 1/N`` off the diagonal): semicircle, ``kappa_2 = 1``. Wishart ``G G^* / N``
    with ``G`` an ``N x M`` standard Gaussian matrix, ``c = M / N``: free Poisson, ``kappa_n = c``. All
    second-order cumulants vanish: complex ones for GUE and complex Wishart (Mingo & Nica, IMRN 2004; Mingo &
    Speicher 2017, Chapter 5), real ones for GOE and real Wishart (Redelmeier, IMRN 2014). So GUE gives
    ``|NC_2(p, q)|``, GOE twice that, complex Wishart at ``c = 1`` gives ``|S_NC(p, q)|``.

    >>> [law_second_order_moments("gue", 3, 3), law_second_order_moments("goe", 3, 3)]
    [12, 24]
    >>> [law_second_order_moments("wishart", 1, q) for q in (1, 2)]
    [1, 4]
    """
    if law not in _LAWS or p < 1 or q < 1:
        raise ParameterError(f"need a law in {sorted(_LAWS)} and p, q >= 1, got {law!r}, {p}, {q}")
    first = {2: 1} if law in ("gue", "goe") else {n: c for n in range(1, p + q + 1)}
    return second_order_moments(first, {}, p + q, real=_LAWS[law])[(p, q)]


# --- words in free families: atoms and polynomials --------------------------------------------------------


def canonical_atom(atom: Atom, group: str = "unitary") -> Atom:
    """Canonical key of ``("k", args)``, ``("k2", (args1, args2))`` or ``("tr", word)``.

    Least cyclic rotation (cumulants and traces are cyclic); for ``"orthogonal"`` reversals too (symmetric
    letters: the reversed word is the transpose, with the same trace). The two sides of ``"k2"`` are sorted.

    >>> canonical_atom(("k", (("B",), ("A",), ("A",))))
    ('k', (('A',), ('A',), ('B',)))
    >>> canonical_atom(("tr", ("B", "A", "C")), "orthogonal")
    ('tr', ('A', 'B', 'C'))
    """
    check_group(group)
    kind, body = atom
    if kind in ("k", "tr"):
        return (kind, canonical_rotation(tuple(body), group))
    if kind == "k2":
        return (kind, tuple(sorted(canonical_rotation(tuple(side), group) for side in body)))
    raise ParameterError(f"unknown atom kind {kind!r}")


def _subsets(n: int) -> list[tuple[int, ...]]:
    return [s for k in range(1, n + 1) for s in combinations(range(n), k)]


class _Words:
    """One call of :func:`covariance`: letter -> family, and caches of arc and through polynomials."""

    def __init__(self, families: Families, group: str, random: Collection[int]):
        self.family: dict[str, int] = {}
        for index, letters in enumerate(families):
            for letter in letters:
                if self.family.setdefault(letter, index) != index:
                    raise ParameterError(f"letter {letter!r} is in two families")
        if any(not 0 <= r < len(families) for r in random):
            raise ParameterError(f"random families {sorted(random)} must index the {len(families)} families")
        self.group, self.random = check_group(group), frozenset(random)
        self._arc: dict[Word, Poly] = {}
        self._through: dict[tuple[Word, Word], Poly] = {}

    def word(self, letters: Letters) -> Word:
        word = tuple(letters)
        unknown = sorted({x for x in word if x not in self.family})
        if unknown:
            raise ParameterError(f"letters {unknown} are in no family")
        return word

    def args(self, letters: Letters) -> tuple[Word, ...]:
        return canonical_rotation(tuple((x,) for x in letters), self.group)

    def _sum(self, letters: Word, partitions: Iterable[Iterable[Sequence[int]]]) -> Poly:
        """``sum over partitions of prod over blocks of kappa(letters along the block)``."""
        monos = (tuple(sorted(("k", self.args(letters[i] for i in b)) for b in part)) for part in partitions)
        return dict(Counter(monos))

    def arc(self, word: Word) -> Poly:
        """``tr(word)`` in cumulants: sum over non-crossing partitions with one-family blocks."""
        if word not in self._arc:
            self._arc[word] = self._sum(word, monochromatic_nc_partitions([self.family[x] for x in word]))
        return self._arc[word]

    def through(self, xs: Word, ys: Word) -> Poly:
        """Sum of ``kappa_pi`` over through permutations of ``(xs ; ys)`` with one-family cycles."""
        if (xs, ys) not in self._through:
            colors = tuple(self.family[x] for x in xs + ys)
            self._through[xs, ys] = self._sum(xs + ys, through_permutations(len(xs), len(ys), colors))
        return self._through[xs, ys]

    def gaps(self, word: Word, chosen: Sequence[int]) -> Poly:
        """Product of the arc polynomials between cyclically consecutive chosen positions of ``word``."""
        n, out = len(word), {(): 1}
        for a, b in zip(chosen, (*chosen[1:], chosen[0] + n), strict=True):
            if b - a > 1:
                out = _poly.mul(out, self.arc(tuple(word[i % n] for i in range(a + 1, b))))
        return out


def _annular_part(ctx: _Words, P: Word, Q: Word) -> Poly:
    """``sum_{X, Y} G_P(X) G_Q(Y) T(P|X; Q|Y)`` over one-family cycles.

    Configurations whose through points all lie in one deterministic family are left out: its second-order
    cumulants cancel them.
    """
    out: Poly = {}
    q_gaps = {ys: ctx.gaps(Q, ys) for ys in _subsets(len(Q))}
    for xs in _subsets(len(P)):
        x_letters, by_x = tuple(P[i] for i in xs), {}
        for ys, gq in q_gaps.items():
            y_letters = tuple(Q[j] for j in ys)
            fams = {ctx.family[x] for x in x_letters + y_letters}
            if len(fams) == 1 and not fams <= ctx.random:
                continue
            through = ctx.through(x_letters, y_letters)
            if through:
                _poly.add_into(by_x, _poly.mul(through, gq))
        if by_x:
            _poly.add_into(out, _poly.mul(by_x, ctx.gaps(P, xs)))
    return _poly.prune(out)


def _second_order_part(ctx: _Words, P: Word, Q: Word) -> Poly:
    """``sum_{V1, V2 in one random family} kappa_{V1,V2} G_P(V1) G_Q(V2)``, atoms ``("k2", ...)``."""
    out: Poly = {}
    for xs in _subsets(len(P)):
        fam = {ctx.family[P[i]] for i in xs}
        if len(fam) != 1 or not fam <= ctx.random:
            continue
        for ys in _subsets(len(Q)):
            if {ctx.family[Q[j]] for j in ys} == fam:
                sides = tuple(sorted((ctx.args(P[i] for i in xs), ctx.args(Q[j] for j in ys))))
                gaps = _poly.mul(ctx.gaps(P, xs), ctx.gaps(Q, ys))
                _poly.add_into(out, gaps, times=(("k2", sides),))
    return _poly.prune(out)


def covariance(
    word_p: Letters, word_q: Letters, families: Families, group: str = "unitary", random: Collection[int] = ()
) -> Poly:
    """``lim Cov(Tr P, Tr Q)`` for words in families that are (real) second-order free.

    ``sum_{pi in S_NC(p,q)} kappa_pi + sum kappa_{V1,V2} prod kappa_B`` with mixed cumulants zero (Collins,
    Mingo, Sniady & Speicher 2007; Mingo & Speicher 2017, Chapter 5); ``"orthogonal"`` adds the first sum for
    ``Q`` reversed (Mingo & Popa 2013; Redelmeier 2014) and assumes every letter real symmetric.

    Each letter is one point, so a cumulant atom ``("k", args)`` has one-letter words as arguments, read along
    a cycle (``("k", (("A",),))`` is ``tr(A)``). Families listed (by index) in ``random`` have their own
    fluctuations: their second-order cumulants are atoms ``("k2", (args1, args2))``. Every other family is
    deterministic (fluctuation moments zero, second-order cumulants ``-c T``; see module docstring). Returns
    a :data:`~freecalc.free.poly.Poly` with integer coefficients whose variables are canonical atom keys
    (:func:`canonical_atom`), named ``k(A,B)``, ``k2(A,A;B)``, ``tr(AB)`` by
    :func:`freecalc.free.atoms.poly_to_sympy`.

    >>> k2 = lambda x: ("k", ((x,), (x,)))
    >>> covariance("AR", "AR", ["A", "R"]) == {(k2("A"), k2("R")): 1}
    True
    >>> covariance("AR", "AR", ["A", "R"], "orthogonal") == {(k2("A"), k2("R")): 2}
    True
    """
    ctx = _Words(list(families), group, random)
    P, Q = ctx.word(word_p), ctx.word(word_q)
    if not P or not Q:
        return {}
    out = _annular_part(ctx, P, Q)
    if ctx.group == "orthogonal":
        _poly.add_into(out, _annular_part(ctx, P, tuple(reversed(Q))))
    _poly.add_into(out, _second_order_part(ctx, P, Q))
    return _poly.prune(out)


# --- cumulants -> moments -----------------------------------------------------------------------------------


def covariance_to_moments(poly: Poly, group: str = "unitary") -> Poly:
    """A covariance with its cumulants in moments: ``("k", args)`` -> ``sum_{pi in NC(n)} mu(pi, 1_n) tr_pi``.

    ``tr_pi = prod_{V in pi} ("tr", the arguments in V multiplied)``, in the group's cyclic normal form.

    Nica & Speicher 2006, Proposition 11.4, over the one table of NC(n) and its Moebius function
    (:func:`freecalc.combinatorics.noncrossing.nc_moebius_table`).

    ``"k2"`` atoms are kept.

    >>> tr = lambda *w: ("tr", w)
    >>> k2 = {(("k", (("A",), ("A",))),): 1}
    >>> covariance_to_moments(k2) == {(tr("A", "A"),): 1, (tr("A"), tr("A")): -1}
    True
    """
    out, expansions = {}, {}
    check_group(group)
    for mono, coef in poly.items():
        term: Poly = {(): coef}
        for atom in mono:
            if atom not in expansions:
                kind, body = atom
                expansions[atom] = {(atom,): 1} if kind != "k" else {}
                for blocks, mu in nc_moebius_table(len(body)) if kind == "k" else ():
                    words = (sum((body[i] for i in b), ()) for b in blocks)
                    key = tuple(sorted(("tr", canonical_rotation(w, group)) for w in words))
                    _poly.add_into(expansions[atom], {key: mu})
                expansions[atom] = _poly.prune(expansions[atom])
            term = _poly.mul(term, expansions[atom])
        _poly.add_into(out, term)
    return _poly.prune(out)


def covariance_in_moments(
    word_p: Letters, word_q: Letters, families: Families, group: str = "unitary", random: Collection[int] = ()
) -> Poly:
    """:func:`covariance` with first-order cumulants in traces ``("tr", word)`` of one-family words."""
    return covariance_to_moments(covariance(word_p, word_q, families, group, random), group)
