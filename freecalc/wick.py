"""Exact finite-size expectations of words in a Gaussian matrix W, a random diagonal D and fixed matrices.

Setting: ``W`` is k x d with i.i.d. ``N(0, s2)`` entries, ``a`` is a k-vector of i.i.d. entries with moments
``m_p = E[a^p]`` independent of ``W``, ``D = diag(a)``, and ``M, B, C, ...`` are fixed d x d matrices; for the
network ``f(x) = a^T (W x)^2`` the matrix ``R = W^T D^2 W`` is the word ``W' D^2 W``.

Method. Written as an index contraction, a word is a sum over neuron indices (range k) and input indices
(range d) of products of entries. Isserlis' theorem (L. Isserlis, Biometrika 12 (1918) 134-139; for
Gaussian matrices the Wick formula of Mingo & Speicher, *Free Probability and Random Matrices*, Section 1.5)
gives ``E[W_{i1 x1} ... W_{i2n x2n}] = sum over pairings of prod s2 delta(i, i') delta(x, x')``. After the
identifications of a pairing:

* the neuron-index classes with powers ``p_c`` of ``a`` sum to
  ``sum over set partitions pi of the classes of (k)_{|pi|} prod_{blocks B} m_{p_B}``, ``(k)_n`` the falling
  factorial and ``m_0 = 1``;
* every input-index class meets at most two fixed-matrix ends, so the fixed matrices form cycles, which give
  unnormalized traces ``Tr(M1 M2' ...)`` (canonical up to rotation and reversal), one path between the two
  outer indices of a d x d word, which gives the matrix product, and classes with no fixed matrix, which give
  a factor ``d`` each.

Output: commuting Symbols ``k``, ``d``, ``s2`` (positive), ``E[a^p]`` and ``Tr(M B ...)``, non-commuting
Symbols ``M``, ``M'`` (transpose of a non-symmetric ``M``) and the identity ``I``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain

import sympy

from .errors import ParameterError
from .laws import a_squared_moment

__all__ = [
    "A_MOMENT_LAWS",
    "DIM",
    "IDENTITY",
    "K",
    "S2",
    "Token",
    "Word",
    "matrix_symbol",
    "moment_symbol",
    "neuron_sum",
    "parse_word",
    "perfect_matchings",
    "set_partitions",
    "trace_symbol",
    "wick_expectation",
]

K = sympy.Symbol("k", positive=True)
DIM = sympy.Symbol("d", positive=True)
S2 = sympy.Symbol("s2", positive=True)
IDENTITY = sympy.Symbol("I", commutative=False)

A_MOMENT_LAWS = ("gaussian", "rademacher", "uniform")

_SHAPES = {"W": ("k", "d"), "W'": ("d", "k"), "D": ("k", "k"), "a": ("k", "1"), "a'": ("1", "k")}
_TOKEN = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9_]*)(?P<t>')?(?:\^(?P<p>[0-9]+))?")
_FIXED = re.compile(r"[A-Z][A-Za-z0-9_]*")
_TRACE = re.compile(r"\s*(?P<tr>Tr|tr)\s*\((?P<body>.*)\)\s*", re.DOTALL)

Factor = tuple[str, bool]  # a fixed matrix and whether it is transposed


def moment_symbol(p: int) -> sympy.Symbol:
    """The Symbol ``E[a^p]`` for the p-th moment of an entry of ``a``."""
    return sympy.Symbol(f"E[a^{p}]")


def matrix_symbol(name: str, transposed: bool = False) -> sympy.Symbol:
    """The non-commuting Symbol of the fixed matrix ``name`` (``name'`` for its transpose)."""
    return sympy.Symbol(name + ("'" if transposed else ""), commutative=False)


def trace_symbol(product: str) -> sympy.Symbol:
    """The commuting Symbol ``Tr(M B' ...)`` of the unnormalized trace of a product of fixed matrices."""
    return sympy.Symbol(f"Tr({' '.join(product.split())})")


@dataclass(frozen=True)
class Token:
    """One factor of a word: ``W``, ``D^p``, ``a``, the identity or a fixed d x d matrix (kind ``fixed``)."""

    kind: str
    transposed: bool = False
    power: int = 1
    name: str = ""

    @property
    def shape(self) -> tuple[str, str]:
        """Row and column dimension, each one of ``"k"``, ``"d"``, ``"1"``."""
        if self.kind in ("fixed", "I"):
            return ("d", "d")
        return _SHAPES[self.kind + ("'" if self.transposed else "")]

    def __str__(self) -> str:
        if self.kind == "D":
            return "D" if self.power == 1 else f"D^{self.power}"
        base = self.name if self.kind == "fixed" else self.kind
        return base + ("'" if self.transposed else "")


@dataclass(frozen=True)
class Word:
    """A product of tokens, optionally inside ``Tr`` (unnormalized) or ``tr`` (normalized) trace."""

    tokens: tuple[Token, ...]
    trace: str | None = None

    @property
    def shape(self) -> tuple[str, str]:
        """Shape of the product before any trace is taken."""
        return (self.tokens[0].shape[0], self.tokens[-1].shape[1])


def _parse_token(text: str) -> list[Token]:
    """Tokens of one item such as ``W'``, ``D^2``, ``M'`` or ``M^3`` (``X^p`` repeats X unless X is D)."""
    match = _TOKEN.fullmatch(text)
    if match is None:
        raise ParameterError(f"unknown token {text!r} in a Wick word")
    name, transposed = match["name"], match["t"] is not None
    power = 1 if match["p"] is None else int(match["p"])
    if power < 1:
        raise ParameterError(f"token {text!r}: powers must be integers >= 1")
    if name == "D":
        return [Token("D", power=power)]
    if name in ("W", "a"):
        return [Token(name, transposed)] * power
    if name == "I":
        return [Token("I")]
    if _FIXED.fullmatch(name):
        return [Token("fixed", transposed, name=name)] * power
    raise ParameterError(f"unknown token {text!r}: use W, W', D, D^p, a, a', I or a capitalized matrix name")


def parse_word(text: str) -> Word:
    """Parse ``"W' D^2 W M"``, ``"Tr(...)"`` or ``"tr(...)"`` into a :class:`Word` and check its shapes."""
    trace = None
    match = _TRACE.fullmatch(text)
    if match is not None:
        trace, text = match["tr"], match["body"]
    items = text.split()
    if not items:
        raise ParameterError("empty Wick word")
    tokens = tuple(chain.from_iterable(_parse_token(item) for item in items))
    for left, right in zip(tokens, tokens[1:], strict=False):
        if left.shape[1] != right.shape[0]:
            raise ParameterError(
                f"shape mismatch: {left} is {' x '.join(left.shape)} but {right} is {' x '.join(right.shape)}"
            )
    word = Word(tokens, trace)
    rows, cols = word.shape
    if trace is not None and rows != cols:
        raise ParameterError(f"{trace}(...) needs a square word, got a {rows} x {cols} one")
    if trace is None and (rows, cols) not in (("d", "d"), ("1", "1")):
        raise ParameterError(f"the word is {rows} x {cols}; only d x d, 1 x 1 and traced words are supported")
    return word


def perfect_matchings(n: int) -> Iterator[tuple[tuple[int, int], ...]]:
    """All ``(n-1)!!`` pairings of ``{0, ..., n-1}`` (none when n is odd)."""

    def rec(rest: tuple[int, ...]) -> Iterator[tuple[tuple[int, int], ...]]:
        if not rest:
            yield ()
            return
        for j in range(1, len(rest)):
            remaining = rest[1:j] + rest[j + 1 :]
            for tail in rec(remaining):
                yield ((rest[0], rest[j]), *tail)

    if n % 2 == 0:
        yield from rec(tuple(range(n)))


def set_partitions(n: int) -> Iterator[tuple[tuple[int, ...], ...]]:
    """All ``Bell(n)`` set partitions of ``{0, ..., n-1}``, as tuples of blocks."""

    def rec(i: int, blocks: list[list[int]]) -> Iterator[tuple[tuple[int, ...], ...]]:
        if i == n:
            yield tuple(tuple(b) for b in blocks)
            return
        for b in blocks:
            b.append(i)
            yield from rec(i + 1, blocks)
            b.pop()
        blocks.append([i])
        yield from rec(i + 1, blocks)
        blocks.pop()

    yield from rec(0, [])


def neuron_sum(powers: tuple[int, ...], moment: Callable[[int], sympy.Expr]) -> sympy.Expr:
    """``sum_{i_1..i_r in [k]} E[prod_c a_{i_c}^{p_c}] = sum_pi (k)_{|pi|} prod_{B in pi} m_{p_B}``."""
    counts: Counter[tuple[int, tuple[int, ...]]] = Counter()
    for blocks in set_partitions(len(powers)):
        counts[(len(blocks), tuple(sorted(sum(powers[i] for i in b) for b in blocks)))] += 1
    return sympy.Add(
        *(
            c * sympy.Mul(*(K - j for j in range(n)), *(moment(p) for p in sums))
            for (n, sums), c in counts.items()
        )
    )


@dataclass(frozen=True)
class _Contraction:
    """A word as an index contraction: index dimensions, W entries, powers of a, fixed-matrix edges."""

    dims: tuple[str, ...]
    w_entries: tuple[tuple[int, int], ...]  # (neuron index, input index)
    a_powers: tuple[int, ...]
    edges: tuple[tuple[str, int, int], ...]  # (matrix, row index, column index)
    ends: tuple[int, int] | None  # outer input indices of a d x d word


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _contraction(word: Word) -> _Contraction:
    """Index the boundaries between tokens; D, I and the trace identify neighbouring boundaries."""
    tokens, n = word.tokens, len(word.tokens)
    bdims = [tokens[0].shape[0]] + [t.shape[1] for t in tokens]
    parent = list(range(n + 1))
    for t, tok in enumerate(tokens):
        if tok.kind in ("D", "I"):
            parent[_find(parent, t + 1)] = _find(parent, t)
    if word.trace is not None:
        parent[_find(parent, n)] = _find(parent, 0)
    ids: dict[int, int] = {}
    idx = [ids.setdefault(_find(parent, b), len(ids)) for b in range(n + 1)]
    dims = [""] * len(ids)
    for b, i in enumerate(idx):
        dims[i] = bdims[b]
    w_entries, edges, a_powers = [], [], [0] * len(ids)
    for t, tok in enumerate(tokens):
        row, col = idx[t], idx[t + 1]
        if tok.kind == "W":
            w_entries.append((col, row) if tok.transposed else (row, col))
        elif tok.kind == "D":
            a_powers[row] += tok.power
        elif tok.kind == "a":
            a_powers[col if tok.transposed else row] += 1
        elif tok.kind == "fixed":
            edges.append((tok.name, col, row) if tok.transposed else (tok.name, row, col))
    ends = (idx[0], idx[n]) if word.trace is None and bdims[0] == "d" else None
    return _Contraction(tuple(dims), tuple(w_entries), tuple(a_powers), tuple(edges), ends)


def _canonical_cycle(factors: tuple[Factor, ...], is_symmetric: Callable[[str], bool]) -> tuple[Factor, ...]:
    """Least rotation of the cycle or of its reversal ``Tr(X1..Xn) = Tr(Xn^T..X1^T)``."""
    reverse = tuple((name, t if is_symmetric(name) else not t) for name, t in reversed(factors))
    return min(seq[i:] + seq[:i] for seq in (factors, reverse) for i in range(len(seq)))


def _input_graph(
    classes: Iterable[int],
    edges: list[tuple[str, int, int]],
    ends: tuple[int, int] | None,
    is_symmetric: Callable[[str], bool],
) -> tuple[int, tuple[tuple[Factor, ...], ...], tuple[Factor, ...] | None]:
    """Free classes (factor d), canonical trace cycles and the outer path of the fixed-matrix graph."""
    start_end = [(-1, 0), (-2, 0)]
    incident: dict[int, list[tuple[int, int]]] = {c: [] for c in classes}
    for e, (_, row, col) in enumerate(edges):
        incident[row].append((e, 0))
        incident[col].append((e, 1))
    if ends is not None:
        incident[ends[0]].append(start_end[0])
        incident[ends[1]].append(start_end[1])
    used = [False] * len(edges)

    def walk(node: int, came: tuple[int, int], stop: tuple[int, int]) -> tuple[Factor, ...]:
        factors = []
        while True:
            pair = incident[node]
            half = pair[1] if pair[0] == came else pair[0]
            if half == stop:
                return tuple(factors)
            e, side = half
            used[e] = True
            name, row, col = edges[e]
            factors.append((name, side == 1 and not is_symmetric(name)))
            node, came = (col, (e, 1)) if side == 0 else (row, (e, 0))

    path = walk(ends[0], start_end[0], start_end[1]) if ends is not None else None
    cycles = []
    for e in range(len(edges)):
        if not used[e]:
            used[e] = True
            name, _, col = edges[e]
            rest = walk(col, (e, 1), (e, 0))
            cycles.append(_canonical_cycle(((name, False), *rest), is_symmetric))
    free = sum(1 for c in incident.values() if not c)
    return free, tuple(sorted(cycles)), path


def _moment_function(a_moments: None | str | Mapping[int, object]) -> Callable[[int], sympy.Expr]:
    """``p -> E[a^p]``: Symbols, a named law (zero odd moments) or a dict overriding some Symbols."""
    if a_moments is None:
        return lambda p: sympy.Integer(1) if p == 0 else moment_symbol(p)
    if isinstance(a_moments, str):
        law = a_moments.lower()
        if law not in A_MOMENT_LAWS:
            raise ParameterError(f"unknown law of a {a_moments!r}; choose one of {', '.join(A_MOMENT_LAWS)}")
        return lambda p: sympy.Integer(0) if p % 2 else sympy.sympify(a_squared_moment(law, p // 2))
    if isinstance(a_moments, Mapping):
        if not all(isinstance(p, int) and p >= 1 for p in a_moments):
            raise ParameterError("a_moments keys must be integers p >= 1")
        values = {p: sympy.sympify(v) for p, v in a_moments.items()}
        return lambda p: sympy.Integer(1) if p == 0 else values.get(p, moment_symbol(p))
    raise ParameterError("a_moments must be None, a law name or a dict {p: E[a^p]}")


def _symmetry(symmetric: Iterable[str] | bool) -> Callable[[str], bool]:
    """Predicate telling which fixed matrices are symmetric (a string lists names separated by spaces)."""
    if isinstance(symmetric, bool):
        return lambda name: symmetric
    names = frozenset(symmetric.replace(",", " ").split() if isinstance(symmetric, str) else symmetric)
    return lambda name: name in names


def _variance(variance: object) -> sympy.Expr:
    """The entry variance of W, 1/k by default; numbers must be positive."""
    if variance is None:
        return 1 / K
    try:
        value = sympy.sympify(variance, locals={"k": K, "d": DIM, "s2": S2})
    except (sympy.SympifyError, TypeError, SyntaxError) as exc:
        raise ParameterError(f"cannot read the variance {variance!r}") from exc
    if value.is_number and not value.is_positive:
        raise ParameterError(f"the variance must be positive, got {value}")
    return value


def _tidy(coefficient: sympy.Expr) -> sympy.Expr:
    """Expand in the moments E[a^p] and factor the rational coefficient of each moment monomial."""
    moments = sorted((s for s in coefficient.free_symbols if s.name.startswith("E[a^")), key=str)
    coefficient = sympy.expand(coefficient)
    if not moments:
        return sympy.factor(coefficient)
    poly = sympy.Poly(coefficient, *moments)
    return sympy.Add(
        *(
            sympy.factor(c) * sympy.Mul(*(m**e for m, e in zip(moments, mon, strict=True)))
            for mon, c in poly.terms()
        )
    )


def _product(factors: tuple[Factor, ...]) -> sympy.Expr:
    return sympy.Mul(*(matrix_symbol(n, t) for n, t in factors)) if factors else IDENTITY


def _trace(factors: tuple[Factor, ...]) -> sympy.Symbol:
    return trace_symbol(" ".join(n + ("'" if t else "") for n, t in factors))


def wick_expectation(
    word: str,
    *,
    symmetric: Iterable[str] | bool = True,
    variance: object = None,
    a_moments: None | str | Mapping[int, object] = None,
) -> sympy.Expr:
    """Exact ``E[word]`` by Isserlis' theorem over the pairings of the W entries (``W_ij ~ N(0, s2)``).

    ``variance`` defaults to ``1/k`` (``"s2"`` keeps it symbolic); ``a_moments`` is None (Symbols
    ``E[a^p]``), ``"gaussian"``, ``"rademacher"``, ``"uniform"`` or a dict ``{p: E[a^p]}``.

    >>> wick_expectation("W' D^2 W")
    E[a^2]*I
    >>> wick_expectation("W' W", variance="s2")
    k*s2*I
    >>> wick_expectation("tr(W' D^2 W)", a_moments="gaussian")
    1
    """
    parsed = parse_word(word)
    contraction = _contraction(parsed)
    is_symmetric = _symmetry(symmetric)
    moment = _moment_function(a_moments)
    s2 = _variance(variance)
    dims = contraction.dims
    n_w = len(contraction.w_entries)
    counts: Counter[tuple] = Counter()
    for matching in perfect_matchings(n_w):
        parent = list(range(len(dims)))
        for x, y in matching:
            for i, j in zip(contraction.w_entries[x], contraction.w_entries[y], strict=True):
                ri, rj = _find(parent, i), _find(parent, j)
                if ri != rj:
                    parent[rj] = ri
        powers: defaultdict[int, int] = defaultdict(int)
        for i, dim in enumerate(dims):
            if dim == "k":
                powers[_find(parent, i)] += contraction.a_powers[i]
        empty = sum(1 for p in powers.values() if p == 0)
        positive = tuple(sorted(p for p in powers.values() if p))
        edges = [(name, _find(parent, r), _find(parent, c)) for name, r, c in contraction.edges]
        ends = None if contraction.ends is None else tuple(_find(parent, i) for i in contraction.ends)
        classes = {_find(parent, i) for i, dim in enumerate(dims) if dim == "d"}
        free, cycles, path = _input_graph(classes, edges, ends, is_symmetric)
        counts[(positive, empty, free, cycles, path)] += 1
    scale = s2 ** (n_w // 2)
    if parsed.trace == "tr":
        scale /= {"d": DIM, "k": K, "1": 1}[parsed.shape[0]]
    sums: dict[tuple[int, ...], sympy.Expr] = {}
    groups: defaultdict[tuple, sympy.Expr] = defaultdict(lambda: sympy.Integer(0))
    for (positive, empty, free, cycles, path), count in counts.items():
        if positive not in sums:
            sums[positive] = neuron_sum(positive, moment)
        groups[(cycles, path)] += count * K**empty * DIM**free * sums[positive]
    return sympy.Add(
        *(
            _tidy(scale * coefficient)
            * sympy.Mul(*(_trace(c) for c in cycles))
            * (1 if path is None else _product(path))
            for (cycles, path), coefficient in groups.items()
        )
    )
