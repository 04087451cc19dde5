"""Exact finite-size Haar averages, computed: Weingarten tables, the paper's words at size N, Monte Carlo.

Three kinds of content, each with its own check:

* Weingarten tables ``Wg(mu, N)`` for ``n <= 4`` (:mod:`freecalc.haar.weingarten`), against the values
  published by Collins & Sniady (Comm. Math. Phys. 264, 2006; unitary, ``n <= 3``) and Collins & Matsumoto
  (J. Math. Phys. 50, 113516, 2009; orthogonal, ``n <= 2``), typed below from the papers, and against the
  orthogonality relations that define them (every ``n``), computed here by summing over the whole group.
* The paper's words eqs. (18), (20), (26) (Beaglehole, Mitliagkas & Agarwala, arXiv:2402.05271) as exact
  rational functions of N (:func:`freecalc.haar.traces.finite_size_poly`), whose ``N -> oo`` limit must be the
  free engine's closed form (Collins 2003, asymptotic freeness).
* Seeded Monte Carlo over Haar rotations at N = 4, 16, 64 against the exact value at that N.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy

from ..combinatorics.permutations import (
    Partition,
    all_permutations,
    compose,
    coset_type,
    cycle_type,
    from_cycles,
    inverse,
    num_cycles,
    num_loops,
    pairings,
    partitions,
)
from ..free.atoms import poly_to_sympy
from ..free.interpret import expand_poly
from ..free.poly import Poly
from ..haar.traces import SIZE, finite_size_poly, orthogonal_canonical, series_poly
from ..haar.weingarten import orthogonal_weingarten_table, unitary_weingarten_table
from .catalogue import RESULTS

__all__ = ["PUBLISHED", "WeingartenCheck", "weingarten_check", "orthogonality_defects", "WordForm", "SizeRow",
           "FiniteSizeFinding", "finite_size_finding", "exact_at", "GROUPS", "SIZES", "ROTATIONS",
           "MATRIX_SEED", "MC_SEED", "Z_LIMIT"]

N = SIZE
GROUPS = ("orthogonal", "unitary")
MAX_N = 4
# Published Weingarten values, typed from the papers (not from the engine), keyed by (group, mu).
PUBLISHED: dict[tuple[str, Partition], sympy.Expr] = {
    # Collins & Sniady, Comm. Math. Phys. 264 (2006) 773-795, Sec. 2 (Wg(1) = 1/N: E|U_11|^2 = 1/N)
    ("unitary", (1,)): 1 / N,
    ("unitary", (1, 1)): 1 / (N**2 - 1),
    ("unitary", (2,)): -1 / (N * (N**2 - 1)),
    ("unitary", (1, 1, 1)): (N**2 - 2) / (N * (N**2 - 1) * (N**2 - 4)),
    ("unitary", (2, 1)): -1 / ((N**2 - 1) * (N**2 - 4)),
    ("unitary", (3,)): 2 / (N * (N**2 - 1) * (N**2 - 4)),
    # Collins & Matsumoto, J. Math. Phys. 50 (2009) 113516, Sec. 3 (examples)
    ("orthogonal", (1,)): 1 / N,
    ("orthogonal", (1, 1)): (N + 1) / (N * (N - 1) * (N + 2)),
    ("orthogonal", (2,)): -1 / (N * (N - 1) * (N + 2)),
}
SIZES = (4, 16, 64)
ROTATIONS = {4: 20_000, 16: 4_000, 64: 1_500}
MATRIX_SEED, MC_SEED, Z_LIMIT = 2024, 7, 4.0
_WORDS = ("eq-18", "eq-20", "eq-26")
_SERIES_ORDER = {"eq-26": 2}  # exact form too long to print: its 1/N series
_BASIS = {"eq-18": "centered", "eq-20": "centered", "eq-26": "moments"}  # eq. (26) centered is 5x slower


def _latex(expr: sympy.Expr) -> str:
    return sympy.latex(expr)


def orthogonality_defects(group: str, n: int, table: Mapping[Partition, sympy.Expr]
                          ) -> dict[Partition, sympy.Expr]:
    """The orthogonality relation minus its right-hand side, one class representative per partition of n.

    Unitary (Collins 2003, eq. (9); Collins & Sniady 2006, Prop. 2.3: Wg is the inverse of ``N^{#(.)}`` in the
    group algebra of S_n): ``sum_tau Wg(sigma tau^-1) N^{#cycles(tau)} - delta(sigma, e)``, a class function
    of sigma, so one sigma per cycle type suffices. Orthogonal (Collins & Matsumoto 2009, Sec. 3: Wg^O is the
    inverse of the Gram matrix ``N^{loops(q, r)}`` of pairings of 2n points):
    ``sum_q Wg^O(type(e, q)) N^{loops(q, r)} - delta(e, r)``, invariant under permuting the 2n points, so
    ``p = e`` and one ``r`` per coset type suffice. ``table`` maps each ``mu |- n`` to ``Wg(mu, N)``; a table
    is right exactly when every defect is zero.
    """
    defects = {}
    if group == "unitary":
        for mu in partitions(n):
            starts = [sum(mu[:i]) for i in range(len(mu))]
            sigma = from_cycles([range(s, s + m) for s, m in zip(starts, mu, strict=True)], n)
            counts = Counter((cycle_type(compose(sigma, inverse(tau))), num_cycles(tau))
                             for tau in all_permutations(n))
            total = sum(c * table[t] * N**k for (t, k), c in counts.items())
            defects[mu] = sympy.cancel(total - (1 if mu == (1,) * n else 0))
        return defects
    points = pairings(2 * n)
    identity = tuple((2 * i, 2 * i + 1) for i in range(n))
    representatives = {}
    for r in points:
        representatives.setdefault(coset_type(identity, r), r)
    for mu, r in representatives.items():
        counts = Counter((coset_type(identity, q), num_loops(q, r)) for q in points)
        total = sum(c * table[t] * N**k for (t, k), c in counts.items())
        defects[mu] = sympy.cancel(total - (1 if mu == (1,) * n else 0))
    return defects


@dataclass(frozen=True)
class WeingartenCheck:
    """One Weingarten table, its LaTeX, and its checks against the published values and orthogonality."""

    group: str
    n: int
    entries: tuple[tuple[Partition, str], ...]  # (mu, LaTeX of Wg(mu, N))
    published: tuple[tuple[Partition, str, bool], ...]  # (mu, LaTeX of the published value, equal)
    orthogonality: bool

    @property
    def agrees(self) -> bool:
        """Orthogonality holds and every published value is matched."""
        return self.orthogonality and all(ok for _, _, ok in self.published)


def weingarten_check(group: str, n: int, table: Mapping[Partition, sympy.Expr]) -> WeingartenCheck:
    """Check a table ``{mu: Wg(mu, N)}`` (in the symbol :data:`~freecalc.haar.traces.SIZE`)."""
    published = tuple((mu, _latex(PUBLISHED[group, mu]), sympy.cancel(table[mu] - PUBLISHED[group, mu]) == 0)
                      for mu in partitions(n) if (group, mu) in PUBLISHED)
    orthogonal = all(d == 0 for d in orthogonality_defects(group, n, table).values())
    return WeingartenCheck(group, n, tuple((mu, _latex(table[mu])) for mu in partitions(n)), published,
                           orthogonal)


def _engine_table(group: str, n: int) -> dict[Partition, sympy.Expr]:
    return (unitary_weingarten_table if group == "unitary" else orthogonal_weingarten_table)(n, N)


def _to_sympy(poly: Poly) -> sympy.Expr:
    """A polynomial whose coefficients are Fractions or sympy expressions in N, as one sympy expression."""
    return sympy.Add(*(sympy.sympify(c) * poly_to_sympy({m: 1}) for m, c in poly.items()))


def exact_at(poly: Poly, size: int) -> Poly:
    """The exact polynomial with its coefficients (rational functions of N) evaluated at ``N = size``."""
    out: Poly = {}
    for monomial, coefficient in poly.items():
        if not isinstance(coefficient, Fraction):
            value = sympy.Rational(coefficient.subs(N, size))
            coefficient = Fraction(int(value.p), int(value.q))
        out[monomial] = coefficient
    return out


@dataclass(frozen=True)
class WordForm:
    """The exact Haar average of one of the paper's words at symbolic N, for one group."""

    slug: str
    title: str
    expression: str
    group: str
    basis: str
    latex: str  # the exact closed form, or its 1/N series when series_order is set
    series_order: int | None
    terms: int  # terms of the exact form
    limit_is_free: bool  # its N -> oo limit is the free engine's closed form


@dataclass(frozen=True)
class SizeRow:
    """One word, group and size: free limit, exact value and the Monte Carlo mean beside them."""

    slug: str
    group: str
    size: int
    rotations: int
    free: float
    exact: float
    mean: float
    stderr: float

    @property
    def z(self) -> float:
        """(Monte Carlo - exact) in standard errors."""
        return (self.mean - self.exact) / self.stderr

    @property
    def gap_in_se(self) -> float:
        """The finite-size gap (exact - free limit) in standard errors."""
        return (self.exact - self.free) / self.stderr

    @property
    def free_z(self) -> float:
        """(Monte Carlo - free limit) in standard errors."""
        return (self.mean - self.free) / self.stderr


@dataclass(frozen=True)
class FiniteSizeFinding:
    """Everything the finite-size page states, computed."""

    tables: tuple[WeingartenCheck, ...]
    forms: tuple[WordForm, ...]
    rows: tuple[SizeRow, ...]
    matrix_seed: int = MATRIX_SEED
    mc_seed: int = MC_SEED
    z_limit: float = Z_LIMIT

    @property
    def checks(self) -> tuple[bool, ...]:
        """Every table, every limit and every Monte Carlo row (``|z| <= z_limit`` against the exact value)."""
        return (*(t.agrees for t in self.tables), *(f.limit_is_free for f in self.forms),
                *(abs(r.z) <= self.z_limit for r in self.rows))

    @property
    def verdict(self) -> str:
        """``new; k/m checks pass`` (the page derives new values; the count is computed)."""
        return f"new; {sum(self.checks)}/{len(self.checks)} checks pass"

    @property
    def max_abs_z(self) -> float:
        """The largest |Monte Carlo - exact| over the rows, in standard errors."""
        return max(abs(r.z) for r in self.rows)

    def gap_range(self, size: int) -> tuple[float, float]:
        """Smallest and largest |exact - free limit| / stderr over the rows at one size."""
        gaps = [abs(r.gap_in_se) for r in self.rows if r.size == size]
        return min(gaps), max(gaps)

    def worst_free_z(self, size: int, group: str) -> float:
        """The largest |Monte Carlo - free limit| / stderr at one size and group."""
        return max(abs(r.free_z) for r in self.rows if r.size == size and r.group == group)

    @property
    def sizes(self) -> tuple[int, ...]:
        """The sizes of the Monte Carlo rows, increasing."""
        return tuple(sorted({r.size for r in self.rows}))


def _word_form(result, group: str) -> tuple[WordForm, Poly]:
    """The exact form of a catalogued word (symbolic N) and its limit check; the exact polynomial too."""
    basis = _BASIS[result.slug]
    exact = finite_size_poly(result.expression, result.families, basis, size=N, group=group)
    free = expand_poly(result.expression, result.families, basis)
    if group == "orthogonal":
        free = orthogonal_canonical(free)
    limit = sympy.expand(_to_sympy(series_poly(exact, 0)) - _to_sympy(free)) == 0
    order = _SERIES_ORDER.get(result.slug)
    shown = _to_sympy(exact if order is None else series_poly(exact, order))
    form = WordForm(result.slug, result.title, result.expression, group, basis, _latex(shown), order,
                    len(exact), limit)
    return form, exact


def _haar_batch(group: str, size: int, count: int, rng):
    """``count`` Haar matrices (:func:`freecalc.numeric.haar.haar_batch`)."""
    from ..numeric.haar import haar_batch

    return haar_batch(group, size, count, rng)


def _pairs(expression: str) -> tuple[str, ...]:
    """``tr(A R A R B R)`` -> ``("A", "A", "B")``: the fixed letters of a word alternating with R."""
    letters = expression.removeprefix("tr(").removesuffix(")").split()
    if letters[1::2] != ["R"] * (len(letters) // 2) or len(letters) % 2:
        raise ValueError(f"not a word alternating with R: {expression}")
    return tuple(letters[0::2])


def _blocks_product(blocks: tuple[str, ...], matrices, rotated, memo: dict):
    """``X1 R X2 R ...`` for a batch of rotated R, by halves, memoised in ``memo``."""
    if blocks not in memo:
        half = len(blocks) // 2
        memo[blocks] = (matrices[blocks[0]] @ rotated if len(blocks) == 1 else
                        _blocks_product(blocks[:half], matrices, rotated, memo)
                        @ _blocks_product(blocks[half:], matrices, rotated, memo))
    return memo[blocks]


def _monte_carlo(words: Mapping[str, tuple[str, ...]], matrices, group: str, size: int, rotations: int
                 ) -> dict[str, tuple[float, float]]:
    """Mean and stderr of ``tr(X1 R X2 R ...)`` over Haar rotations ``R -> O R O*`` (X fixed).

    ``words`` maps a name to its fixed letters (:func:`_pairs`); every word sees the same rotations.
    Products of the blocks ``X R`` are shared between words (halves of a word, memoised).
    """
    import numpy as np

    rng = np.random.default_rng([MC_SEED, size, GROUPS.index(group)])
    samples: dict[str, list] = {name: [] for name in words}
    chunk = max(1, min(rotations, 2_000_000 // size**2))
    for start in range(0, rotations, chunk):
        o = _haar_batch(group, size, min(chunk, rotations - start), rng)
        rotated = o @ matrices["R"] @ np.conj(np.swapaxes(o, 1, 2))
        memo: dict[tuple[str, ...], object] = {}
        for name, blocks in words.items():
            half = len(blocks) // 2
            right = _blocks_product(blocks[half:], matrices, rotated, memo)
            if half:
                left = _blocks_product(blocks[:half], matrices, rotated, memo)
                traces = np.einsum("kij,kji->k", left, right)
            else:
                traces = np.trace(right, axis1=1, axis2=2)
            samples[name].append(np.real(traces) / size)
    out = {}
    for name, parts in samples.items():
        values = np.concatenate(parts)
        out[name] = float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))
    return out


def finite_size_finding(sizes: tuple[int, ...] = SIZES, rotations: Mapping[int, int] | None = None
                        ) -> FiniteSizeFinding:
    """The Weingarten tables, the paper's words at symbolic N, and Monte Carlo at each size."""
    from ..numeric.evaluate import MatrixTraces, evaluate_poly
    from ..testing import spread_matrices

    rotations = dict(ROTATIONS if rotations is None else rotations)
    tables = tuple(weingarten_check(group, n, _engine_table(group, n))
                   for group in ("unitary", "orthogonal") for n in range(1, MAX_N + 1))
    results = [r for r in RESULTS if r.slug in _WORDS]
    forms, exact = [], {}
    for result in results:
        for group in GROUPS:
            form, exact[result.slug, group] = _word_form(result, group)
            forms.append(form)
    letters = {r.slug: _pairs(r.expression) for r in results}
    rows = []
    for size in sizes:
        matrices = spread_matrices(["A", "B", "R"], size, seed=MATRIX_SEED)
        traces = MatrixTraces(matrices, symmetric=True)
        for group in GROUPS:
            measured = _monte_carlo(letters, matrices, group, size, rotations[size])
            for r in results:
                free = evaluate_poly(expand_poly(r.expression, r.families), traces.value)
                value = evaluate_poly(exact_at(exact[r.slug, group], size), traces.value)
                rows.append(SizeRow(r.slug, group, size, rotations[size], free, value, *measured[r.slug]))
    return FiniteSizeFinding(tables, tuple(forms), tuple(rows))
