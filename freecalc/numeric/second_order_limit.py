"""The second-order limit ``lim Cov(Tr P, Tr Q)`` as a number on given matrices, by a transfer recursion.

For deterministic matrices in families rotated by independent Haar unitaries (or orthogonal matrices, for
real symmetric letters), ``lim Cov(Tr P, Tr Q)`` is the sum over annular non-crossing permutations with
one-family cycles of the product of the free cumulants along the cycles, less the configurations whose
through cycles all lie in one family (the families' second-order cumulants cancel them), plus, in the real
case, the same sum for ``Q`` read backwards (Mingo & Speicher, *Free Probability and Random Matrices*, 2017,
ch. 5; Redelmeier, IMRN 2014; :mod:`freecalc.free.second_order` gives the closed form).

Here only the number is computed, and the sum is organised so that its cost is polynomial in the lengths
instead of running over every pair of subsets and every through permutation:

* the through cycles of an annular permutation have the form ``(a_1 ... a_k b_1 ... b_l)``: a run of
  consecutive through points of the outer circle, then a run of the inner circle, runs matched in opposite
  cyclic orders (Mingo & Nica, IMRN 2004); between two consecutive through points of one circle lies an arc
  whose points form a non-crossing partition of their own, worth the free moment ``phi(arc)`` of the arc's
  word (the moment-cumulant formula, Nica & Speicher 2006, Lecture 11);
* so, reading the through cycles in the order of their outer points from the one that holds the first outer
  through point, the sum is a path sum: a state is (last outer point of the cycle just placed, first inner
  point of its run); a step places the next cycle, weighted by the two arcs it skips and by its *block*,
  the sum over its through points of ``kappa(a_1 .. a_k, b_1 .. b_l)`` times its internal arcs.

Each block and each arc is computed once; the moments are traces of matrix products
(:class:`~freecalc.numeric.evaluate.MatrixTraces`) and the cumulants come from them by the first-block
recursion ``m(t) = sum_{V containing 1} kappa(t_V) prod_gaps m(gap)`` (Nica & Speicher, Lecture 11).
Under a trace ``kappa`` is invariant under cyclic rotation of its arguments (used as a cache key): in
``kappa_n = sum_{pi in NC(n)} mu(pi, 1_n) phi_pi`` (ibid., Lecture 11) rotating the points maps NC(n) onto
itself, keeps ``mu(pi, 1_n)`` (it depends on the block sizes of the Kreweras complement only, Lecture 10),
and keeps each ``phi_pi``, a product of traces of cyclically ordered blocks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import combinations
from math import comb, gcd
from operator import itemgetter

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import ParameterError
from ..free.letters import canonical_rotation
from .evaluate import MatrixTraces, first_asymmetric, paired_sum

__all__ = [
    "FreeMoments", "covariance_limit", "covariance_limit_of_sums", "covariance_limit_steps",
]

Word = tuple[str, ...]
PRODUCT_BYTES = 128 * 2**20  # products of half words kept for the moments (least recently used dropped)


@cache
def _first_block_plan(n: int) -> tuple[tuple[Callable[[Word], Word], tuple[tuple[int, int], ...]], ...]:
    """Every block ``V`` of ``n`` points containing the first point, but the whole: ``(V, non-empty gaps)``.

    ``V`` is given as the function that picks its letters out of a word.

    >>> [(pick(("x", "y", "z")), gaps) for pick, gaps in _first_block_plan(3)]
    [(('x',), ((1, 3),)), (('x', 'y'), ((2, 3),)), (('x', 'z'), ((1, 2),))]
    """
    out = []
    for size in range(n - 1):
        for others in combinations(range(1, n), size):
            chosen = (0, *others)
            gaps = tuple((a + 1, b) for a, b in zip(chosen, (*chosen[1:], n), strict=True) if b > a + 1)
            pick = itemgetter(*chosen) if len(chosen) > 1 else (lambda word: word[:1])
            out.append((pick, gaps))
    return tuple(out)


def _necklaces(k: int, n: int) -> int:
    """Sequences of length ``n`` in ``k`` letters up to rotation: ``(1/n) sum_{d | n} phi(d) k^(n/d)``.

    (OEIS A000031 for k = 2.)

    >>> [_necklaces(2, n) for n in range(1, 9)]
    [2, 3, 4, 6, 8, 14, 20, 36]
    """
    def totient(m: int) -> int:
        return sum(1 for i in range(1, m + 1) if gcd(i, m) == 1)

    return sum(totient(d) * k ** (n // d) for d in range(1, n + 1) if n % d == 0) // n


def _gaps(word: Word, chosen: Sequence[int]) -> list[Word]:
    """The sub-words strictly between consecutive chosen positions, and after the last one."""
    ends = (*chosen[1:], len(word))
    return [word[a + 1:b] for a, b in zip(chosen, ends, strict=True)]


class FreeMoments:
    """First-order values on matrices: moments of one-family words, their free cumulants, mixed moments.

    ``family`` maps each letter to its family; letters of one family are matrices rotated together, those of
    different families are free. ``moment(w)`` of a one-family word is the normalized trace of its product;
    ``cumulant(t)`` of a one-family tuple comes from the moments by the first-block recursion; ``mixed(w)``
    is the free moment ``phi(w)`` of any word, ``sum over one-family blocks V containing the first letter of
    kappa(w_V) prod phi(gaps)`` (Nica & Speicher 2006, Lecture 11: mixed cumulants of free families vanish).
    """

    def __init__(self, traces: MatrixTraces, family: Callable[[str], int], *,
                 product_bytes: int = PRODUCT_BYTES) -> None:
        self.traces, self.family = traces, family
        # real symmetric letters: a cumulant read backwards is the same (Nica & Speicher, Lecture 11: the
        # reflection of NC(n) keeps the Moebius function, and tr of a reversed product is tr of its transpose)
        self.symmetric = traces.symmetric or (
            not traces.rank_one and all(np.isrealobj(m) for m in traces.matrices.values())
            and first_asymmetric(traces.matrices) is None)
        self._moments: dict[Word, float] = {}
        self._products: OrderedDict[Word, np.ndarray] = OrderedDict()
        self.product_bytes = product_bytes
        self.terms = 0  # terms summed so far: first-block terms of cumulants and moments, pairs of runs
        self._cumulants: dict[Word, float] = {}
        self._mixed: dict[Word, float] = {(): 1.0}

    def moment(self, word: Word) -> float:
        """``tr`` of the product of a one-family word (1 for the empty word).

        ``tr(u v) = sum_ij (u)_ij (v)_ji / d`` at the middle of the word, the products of the halves kept:
        halves are shared by many words, so each new moment costs about one trace, not a product.
        """
        if not word:
            return 1.0
        if word not in self._moments:
            if len(word) < 3:
                self._moments[word] = self.traces.word_value(word)
            else:
                half = len(word) // 2
                left, right = self._product(word[:half]), self._product(word[half:])
                self._moments[word] = float(paired_sum(left, right.T)) / left.shape[0]
        return self._moments[word]

    def _product(self, word: Word) -> np.ndarray:
        """The product of a one-family word; the most recently used products are kept, within the budget."""
        if len(word) == 1:
            return self.traces.matrix(word[0])
        product = self._products.get(word)
        if product is None:
            product = self._product(word[:-1]) @ self._product(word[-1:])
            self._products[word] = product
            if len(self._products) * product.nbytes > self.product_bytes:
                self._products.popitem(last=False)
        else:
            self._products.move_to_end(word)
        return product

    def cumulant(self, letters: Word) -> float:
        """The free cumulant ``kappa_n(x_1, ..., x_n)`` of one-family letters."""
        value = self._cumulants.get(letters)
        if value is None:
            # cyclic under a trace, and read backwards too on symmetric matrices (tr M^T = tr M)
            key = canonical_rotation(letters, "orthogonal" if self.symmetric else "unitary")
            value = self._cumulants.get(key)
            if value is None:  # the cached values are looked up in place: most of the terms find theirs
                moment, cumulant = self.moment, self.cumulant
                known_moment, known_cumulant = self._moments.get, self._cumulants.get
                value = moment(key)
                for pick, gaps in _first_block_plan(len(key)):
                    part = pick(key)
                    term = known_cumulant(part)
                    if term is None:
                        term = cumulant(part)
                    for a, b in gaps:
                        gap = key[a:b]
                        factor = known_moment(gap)
                        term *= moment(gap) if factor is None else factor
                    value -= term
                self.terms += 2 ** (len(key) - 1)
                self._cumulants[key] = value
            self._cumulants[letters] = value
        return value

    def mixed(self, word: Word) -> float:
        """The free moment ``phi(word)`` of a word in several families."""
        if word not in self._mixed:
            families = {self.family(x) for x in word}
            if len(families) == 1:
                self._mixed[word] = self.moment(word)
            else:
                first = self.family(word[0])
                same = [i for i in range(1, len(word)) if self.family(word[i]) == first]
                total = 0.0
                for size in range(len(same) + 1):
                    for others in combinations(same, size):
                        chosen = (0, *others)
                        term = self.cumulant(tuple(word[i] for i in chosen))
                        for gap in _gaps(word, chosen):
                            term *= self.mixed(gap)
                        total += term
                self.terms += 2 ** len(same)
                self._mixed[word] = total
        return self._mixed[word]


class _Circle:
    """One circle of the annulus: its word, and the free moment of each cyclic window (an arc)."""

    def __init__(self, word: Word, values: FreeMoments) -> None:
        self.word, self.n = word, len(word)
        self.families = [values.family(x) for x in word]
        n = self.n
        # arc[start, length]: phi of the letters start, start+1, ... (cyclically), length < n
        self.arc = np.ones((n, n))
        for start in range(n):
            for length in range(1, n):
                self.arc[start, length] = values.mixed(tuple(word[(start + i) % n] for i in range(length)))

    def runs(self, family: int) -> dict[tuple[int, int], dict[Word, float]]:
        """Runs of through points of one family: ``{(first, window length): {letters: arcs' weight}}``.

        A run's window goes forwards, perhaps around the circle, from its first to its last through point;
        the points inside are through points or lie in the arcs between them.
        """
        n, out = self.n, {}
        for first in range(n):
            if self.families[first] != family:
                continue
            for length in range(1, n + 1):
                last = first + length - 1
                if self.families[last % n] != family:
                    continue
                inside = [i for i in range(first + 1, last) if self.families[i % n] == family]
                weights: dict[Word, float] = {}
                for size in range(len(inside) + 1):
                    for chosen in combinations(inside, size):
                        points = (first, *chosen, last) if length > 1 else (first,)
                        weight = 1.0
                        for a, b in zip(points, points[1:], strict=False):
                            weight *= self.arc[(a + 1) % n, b - a - 1]
                        letters = tuple(self.word[i % n] for i in points)
                        weights[letters] = weights.get(letters, 0.0) + weight
                out[first, length] = weights
        return out


def _blocks(outer: _Circle, inner: _Circle, values: FreeMoments, family: int):
    """The through cycles of one family, each summed over its through points, as rows.

    ``(first, outer window length, inner first, inner window length, value)``; both windows may go around
    their circle.
    """
    rows = []
    inner_runs = inner.runs(family)
    for (first, length), outer_weights in outer.runs(family).items():
        for (inner_first, inner_length), inner_weights in inner_runs.items():
            values.terms += len(outer_weights) * len(inner_weights)
            value = sum(values.cumulant(a + b) * wa * wb
                        for a, wa in outer_weights.items() for b, wb in inner_weights.items())
            if value:
                rows.append((first, length, inner_first, inner_length, value))
    return rows


def _annular_sum(outer: _Circle, inner: _Circle, rows: Sequence[tuple]) -> float:
    """Sum over annular non-crossing permutations with one-family cycles and the through cycles ``rows``.

    The path sum of the module docstring. The first cycle is the one whose outer window holds the point
    between the outer circle's last and first positions, or, if none does, the one with the first outer
    through point; the later cycles' outer windows then lie, without going around, between the first cycle's
    window and that point. Inner points are renumbered from the point after the first cycle's run, so that
    this run ends the inner circle and later runs, placed backwards, precede it.
    """
    if not rows:
        return 0.0
    table = np.array(rows, dtype=float)
    first, length, inner_first, inner_length = (table[:, i].astype(int) for i in range(4))
    value = table[:, 4]
    p, q = outer.n, inner.n
    last = first + length - 1
    wraps = last >= p
    last = last % p
    total = 0.0
    for e1 in range(q):
        shift = e1 + 1
        start = (inner_first - shift) % q  # run's first point, renumbered
        end = start + inner_length - 1
        fits = end <= q - 1  # the renumbered run does not pass the end
        later = fits & ~wraps
        # inner arc between a later run's last point e and the current run's first point y: phi(e+1 .. y-1)
        inner_arc = np.zeros((q, q + 1))
        for e in range(q):
            for y in range(e + 1, q + 1):
                inner_arc[e, y] = inner.arc[(e + 1 + shift) % q, y - e - 1]
        closing_inner = np.array([inner.arc[shift % q, y] if y < q else 0.0 for y in range(q + 1)])
        for s1 in range(p):
            for around in (False, True):
                anchors = fits & (first == s1) & (end == q - 1) & (wraps == around)
                if not anchors.any():
                    continue
                low, high = (0, s1 - 1) if around else (s1, p - 1)
                g = np.zeros((p, q + 1))
                m = np.zeros((p, q + 1))
                for x in range(high, low - 1, -1):
                    row = outer.arc[(x + 1) % p, (s1 - 1 - x) % p] * closing_inner
                    for s in range(x + 1, high + 1):
                        row = row + outer.arc[x + 1, s - x - 1] * m[s]
                    g[x] = row
                    here = later & (first == x) & (last <= high)
                    if here.any():
                        k = np.bincount(end[here], weights=value[here] * g[last[here], start[here]],
                                        minlength=q)
                        m[x] = k[:q] @ inner_arc
                chosen = np.flatnonzero(anchors)
                total += float(np.sum(value[chosen] * g[last[chosen], start[chosen]]))
    return total


def covariance_limit_steps(first: Word, second: Word, family: Callable[[str], int],
                           group: str = "unitary") -> int:
    """An upper bound on the terms :func:`covariance_limit` sums (``FreeMoments.terms``), from the words.

    * pairs of runs, outer times inner, for each family the words share (a run: a window between two of
      the family's points, and a subset of the family's points inside it);
    * the first-block terms of the free moments of the arcs: at most ``2^(m-1)`` for a window of ``m``
      letters of its first letter's family, over every window of either circle;
    * the first-block terms of the cumulants: ``2^(n-1)`` for each distinct tuple of ``n`` letters. The
      tuples of one length are at most the necklaces of that length in the family's distinct letters
      (cumulants are cyclic), and at most the runs of that length on either circle plus the pairs of runs:
      the recursion asks for the cumulants of the pairs of runs, of the family's letters in an arc, and of
      subsets of these, and a subset of a run's points is again a run (its own first point starts it), so
      a subset of a pair of runs is a pair of runs or a run on one circle;

    plus ``2 p^2 q`` steps for each path sum (one for all families, one per shared family); doubled for the
    orthogonal group (``Q`` is also read backwards).

    >>> covariance_limit_steps(("A", "R"), ("A", "R"), {"A": 0, "R": 1}.get)
    60
    """
    p, q = len(first), len(second)
    shared = {family(x) for x in first} & {family(x) for x in second}
    if not shared:
        return 0

    def runs(word: Word, fam: int) -> list[int]:
        """The number of runs of each size (number of through points)."""
        n, fams = len(word), [family(x) for x in word]
        count = [0] * (n + 1)
        for a in (a for a in range(n) if fams[a] == fam):
            count[1] += 1
            inside = 0  # the family's points strictly inside the window a .. b
            for b in range(a + 1, a + n):
                if fams[b % n] == fam:
                    for size in range(inside + 1):
                        count[size + 2] += comb(inside, size)
                    inside += 1
        return count

    def arc_terms(word: Word) -> int:
        """The first-block terms of the free moments of every window (arc) of the circle."""
        n, fams, terms = len(word), [family(x) for x in word], 0
        for a in range(n):
            for length in range(1, n):
                letters = [fams[(a + i) % n] for i in range(length)]
                terms += 2 ** (letters.count(letters[0]) - 1)
        return terms

    orthogonal = group == "orthogonal"
    words = (first, second, tuple(reversed(second))) if orthogonal else (first, second)
    steps = (len(shared) + 1) * 2 * p * p * q + sum(arc_terms(word) for word in words)
    for fam in {family(x) for x in (*first, *second)}:
        tuples = [0] * (p + q + 1)  # tuples whose cumulants may be asked for, by length
        for word in words:
            for n, count in enumerate(runs(word, fam)):
                tuples[n] += count
        if fam in shared:
            outer, inner = runs(first, fam), runs(second, fam)
            for n in range(2, p + q + 1):
                pairs = sum(outer[a] * inner[n - a] for a in range(max(1, n - q), min(p, n - 1) + 1))
                steps += pairs * (2 if orthogonal else 1)
                tuples[n] += pairs * (2 if orthogonal else 1)
        letters = len({x for x in (*first, *second) if family(x) == fam})
        steps += sum(min(count, _necklaces(letters, n)) * 2 ** (n - 1) for n, count in enumerate(tuples) if n)
    return steps


def covariance_limit(first: Word, second: Word, values: FreeMoments, group: str = "unitary") -> float:
    """``lim Cov(Tr P, Tr Q)`` for two words in Haar-rotated deterministic families (module docstring).

    ``group="orthogonal"`` assumes every letter real symmetric and adds the sum for ``Q`` read backwards.
    The moments' many small products run with BLAS on one thread, as in
    :mod:`freecalc.quadratic.reduced_draws`: on a shared machine, threads spinning over products of a
    hundred rows wait for each other (measured: a 120 x 120 product 0.06 ms on one thread, 9 ms on two
    busy cores).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _covariance_limit(first, second, values, group)


def _covariance_limit(first: Word, second: Word, values: FreeMoments, group: str) -> float:
    if group not in ("unitary", "orthogonal"):
        raise ParameterError(f"unknown group {group!r}")
    if not first or not second:
        return 0.0
    families = sorted({values.family(x) for x in first} & {values.family(x) for x in second})
    if not families:  # every through cycle has one family: without a shared family there is none
        return 0.0
    outer = _Circle(tuple(first), values)
    seconds = [tuple(second)] + ([tuple(reversed(second))] if group == "orthogonal" else [])
    total = 0.0
    for word in seconds:
        inner = _Circle(word, values)
        rows = {family: _blocks(outer, inner, values, family) for family in families}
        total += _annular_sum(outer, inner, [row for family in families for row in rows[family]])
        for family in families:  # configurations with every through cycle in one family cancel
            total -= _annular_sum(outer, inner, rows[family])
    return total


def covariance_limit_of_sums(first: Mapping[Word, float], second: Mapping[Word, float], values: FreeMoments,
                             group: str = "unitary") -> float:
    """``lim Cov(Tr X, Tr Y)`` for X, Y linear combinations ``{word: coefficient}`` of words (bilinear)."""
    with threadpool_limits(limits=1, user_api="blas"):
        return sum(a * b * _covariance_limit(p, q, values, group)
                   for p, a in first.items() for q, b in second.items())
