"""Exact unitary and orthogonal Weingarten functions from characters of the symmetric group.

Unitary (Collins, IMRN 2003 no. 17, eq. (12); Collins & Sniady, Comm. Math. Phys. 264 (2006), Prop. 2.3):
``Wg^U(sigma, N) = (1/n!^2) sum_{lambda |- n, l(lambda)<=N} chi^lambda(e)^2 chi^lambda(sigma)/s_lambda(1^N)``
with ``s_lambda(1^N) = prod_{cells (i, j)} (N + j - i) / hook(i, j)``.

Orthogonal (Collins & Matsumoto, J. Math. Phys. 50 (2009) 113516, Sec. 3; Collins & Sniady 2006, Sec. 3):
``Wg^O(mu, N) = (2^n n!/(2n)!) sum_{lambda |- n, l(lambda)<=N} f^{2lambda} omega^lambda(mu) / Z_lambda(1^N)``
with ``Z_lambda(1^N) = prod_{(i, j) in lambda} (N + 2j - i - 1)`` (1-based cells) and ``mu`` the coset type
of a pair of pairings of ``2n`` points (see :mod:`freecalc.combinatorics.permutations`).

For an integer ``N < n`` the restriction ``l(lambda) <= N`` gives the pseudo-inverse of the Gram matrix, which
is what the Weingarten integration formula needs at small ``N`` (Collins & Matsumoto, "Weingarten calculus
via orthogonality relations: new applications", ALEA 14 (2017), Sec. 2). For a symbolic ``N`` the sum runs
over all ``lambda |- n`` and the result, a rational function of ``N``, is valid for ``N >= n``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from itertools import product
from math import factorial, gcd, lcm, prod

import sympy

from freecalc.combinatorics.permutations import (
    Pairing,
    Partition,
    all_permutations,
    conjugate_partition,
    coset_type,
    cycle_type,
    partitions,
)
from freecalc.errors import ParameterError
from freecalc.free.letters import check_group

__all__ = [
    "summation_size",
    "character",
    "dimension",
    "zonal_spherical",
    "unitary_weingarten",
    "orthogonal_weingarten",
    "unitary_weingarten_table",
    "orthogonal_weingarten_table",
    "unitary_weingarten_perm",
    "orthogonal_weingarten_pairings",
    "weingarten_fractions",
    "weingarten_polynomials",
    "dense_mul",
    "dense_linear_power",
    "rational_function",
    "matrix_size",
]



def _partition(mu: Sequence[int]) -> Partition:
    """``mu`` as a non-increasing tuple of positive integers, or a ParameterError."""
    parts = tuple(sorted((int(m) for m in mu), reverse=True))
    if any(m <= 0 for m in parts) or any(int(m) != m for m in mu):
        raise ParameterError(f"not a partition (positive integer parts): {tuple(mu)!r}")
    return parts


def summation_size(group: str, n: int) -> int:
    """The number of terms on each side of the Weingarten formula for n blocks.

    ``n!`` permutations (unitary) or ``(2n - 1)!!`` pairings of 2n points (orthogonal).

    >>> summation_size("unitary", 4), summation_size("orthogonal", 4)
    (24, 105)
    """
    return factorial(n) if group == "unitary" else prod(range(2 * n - 1, 0, -2))


def matrix_size(N: int | sympy.Expr) -> int | sympy.Expr:
    """``N`` as an int ``N >= 1`` or a non-numeric sympy expression (symbolic); else a ParameterError."""
    if isinstance(N, sympy.Integer):
        N = int(N)
    if isinstance(N, int) and not isinstance(N, bool):
        if N < 1:
            raise ParameterError(f"matrix size N must be >= 1, got {N}")
        return N
    if isinstance(N, sympy.Expr) and not N.is_number:
        return N
    raise ParameterError(f"matrix size N must be an int >= 1 or a sympy symbol, got {N!r}")


@cache
def character(lam: Partition, mu: Partition) -> int:
    """The irreducible character ``chi^lambda(mu)`` of ``S_n`` by the Murnaghan-Nakayama rule.

    Rim hooks are removed in beta-number form: a hook of length ``r`` moves one bead ``b -> b - r`` to a free
    place, with sign ``(-1)^(beads strictly between)`` (Macdonald, *Symmetric Functions*, I.7 Ex. 5;
    Sagan, *The Symmetric Group*, Thm. 4.10.2).

    >>> [character((2, 1), mu) for mu in ((1, 1, 1), (2, 1), (3,))]
    [2, 0, -1]
    """
    if sum(lam) != sum(mu):
        raise ParameterError(f"{lam!r} and {mu!r} are partitions of different integers")
    if not mu:
        return 1
    r, rest, length = mu[0], mu[1:], len(lam)
    beta = [part + length - 1 - i for i, part in enumerate(lam)]
    free = set(beta)
    total = 0
    for b in beta:
        c = b - r
        if c < 0 or c in free:
            continue
        sign = -1 if sum(1 for x in beta if c < x < b) % 2 else 1
        moved = sorted((c if x == b else x for x in beta), reverse=True)
        smaller = tuple(x - (length - 1 - i) for i, x in enumerate(moved))
        total += sign * character(tuple(x for x in smaller if x > 0), rest)
    return total


def _hooks(lam: Partition) -> list[int]:
    """Hook lengths of the cells of ``lam``."""
    conj = conjugate_partition(lam)
    return [lam[i] - j + conj[j] - i - 1 for i in range(len(lam)) for j in range(lam[i])]


@cache
def dimension(lam: Partition) -> int:
    """``f^lambda = chi^lambda(e) = n! / prod hooks`` (hook length formula; Sagan, Thm. 3.10.2).

    >>> dimension((3, 2)), dimension((2, 2, 1, 1))
    (5, 9)
    """
    return factorial(sum(lam)) // prod(_hooks(lam))


@cache
def _coset_cycle_counts(n: int) -> dict[Partition, Counter]:
    """For each coset type ``mu |- n``: the cycle types of ``sigma_mu zeta`` over ``zeta`` in ``H_n``.

    ``H_n`` is the hyperoctahedral group fixing the pairing ``{0,1}, {2,3}, ...``; ``sigma_mu`` sends it to
    a pairing of coset type ``mu``.
    """
    hyper = [
        tuple(2 * pi[i] + (s ^ flips[i]) for i in range(n) for s in (0, 1))
        for pi in all_permutations(n)
        for flips in product((0, 1), repeat=n)
    ]
    result = {}
    for mu in partitions(n):
        sigma: list[int] = []
        for m in mu:
            b = len(sigma)
            sigma.extend(b + ((k + 1) % (2 * m)) for k in range(2 * m))
        result[mu] = Counter(cycle_type([sigma[z] for z in zeta]) for zeta in hyper)
    return result


@cache
def zonal_spherical(lam: Partition, mu: Partition) -> Fraction:
    """``omega^lambda(mu) = (1/(2^n n!)) sum_{zeta in H_n} chi^{2lambda}(sigma zeta)``, mu = type(sigma).

    The zonal spherical functions of the Gelfand pair ``(S_2n, H_n)`` (Macdonald VII.2, eq. (2.12);
    Collins & Matsumoto 2009, Sec. 3.1).

    >>> zonal_spherical((1, 1), (2,)), zonal_spherical((2,), (2,))
    (Fraction(-1, 2), Fraction(1, 1))
    """
    n = sum(mu)
    doubled = tuple(2 * part for part in lam)
    counts = _coset_cycle_counts(n)[mu]
    return Fraction(sum(c * character(doubled, rho) for rho, c in counts.items()), 2**n * factorial(n))


def _terms(group: str, n: int) -> list[tuple[Partition, list[int], dict[Partition, Fraction]]]:
    """Per ``lambda |- n``: the shifts ``k`` of the denominator ``prod (N + k)`` and the numerator per ``mu``.

    Unitary: ``prod_{cells} (N + j - i)`` and ``f^lambda chi^lambda(mu) / n!`` (the content formula
    ``s_lambda(1^N) = prod (N + j - i) / hook``, Macdonald I.3 Ex. 4, folded into the prefactor).
    Orthogonal: ``Z_lambda(1^N) = prod_{(i, j)} (N + 2j - i - 1)`` (1-based; Macdonald VII.2 Ex. 5(b)) and
    ``(2^n n!/(2n)!) f^{2 lambda} omega^lambda(mu)``.
    """
    terms = []
    for lam in partitions(n):
        cells = [(i, j) for i in range(len(lam)) for j in range(lam[i])]
        if group == "unitary":
            shifts = [j - i for i, j in cells]
            hook_product = prod(_hooks(lam))
            weights = {
                mu: Fraction(dimension(lam) ** 2 * character(lam, mu) * hook_product, factorial(n) ** 2)
                for mu in partitions(n)
            }
        else:
            shifts = [2 * j - i for i, j in cells]
            pre = Fraction(2**n * factorial(n), factorial(2 * n)) * dimension(tuple(2 * p for p in lam))
            weights = {mu: pre * zonal_spherical(lam, mu) for mu in partitions(n)}
        terms.append((lam, shifts, weights))
    return terms


Dense = tuple[int, ...]
"""A polynomial in ``N`` with integer coefficients, constant term first."""


def dense_mul(a: Sequence[int], b: Sequence[int]) -> Dense:
    """The product of two dense polynomials (any coefficient type that multiplies and adds).

    >>> dense_mul((1, 1), (-1, 1))  # (1 + N)(N - 1)
    (-1, 0, 1)
    """
    result = [0] * (len(a) + len(b) - 1) if a and b else []
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                result[i + j] += x * y
    return tuple(result)


def dense_linear_power(shifts: Counter | dict[int, int]) -> Dense:
    """``prod_k (N + k)^{e_k}`` as a dense polynomial, from ``{k: e_k}``."""
    result: Dense = (1,)
    for k, e in shifts.items():
        for _ in range(e):
            result = dense_mul(result, (k, 1))
    return result


@cache
def weingarten_polynomials(group: str, n: int) -> tuple[dict[int, int], int, dict[Partition, Dense]]:
    """``Wg(mu, N) = P_mu(N) / (L prod_k (N + k)^{e_k})`` (all ``lambda |- n``): ``{k: e_k}, L, {mu: P_mu}``.

    Every term of the character sum has a denominator ``prod (N + k)`` (see :func:`_terms`), so the common
    denominator is a product of linear factors; ``P_mu`` has integer coefficients and the fraction is not
    cancelled (read only).
    """
    check_group(group)
    terms = _terms(group, n)
    exponents: Counter = Counter()
    for _lam, shifts, _weights in terms:
        exponents |= Counter(shifts)
    numerators = {mu: [Fraction(0)] * (sum(exponents.values()) + 1) for mu in partitions(n)}
    for _lam, shifts, weights in terms:
        cofactor = dense_linear_power(exponents - Counter(shifts))
        for mu, w in weights.items():
            for i, c in enumerate(cofactor):
                numerators[mu][i] += w * c
    scale = lcm(*(c.denominator for p in numerators.values() for c in p))
    return dict(exponents), scale, {mu: tuple(int(c * scale) for c in p) for mu, p in numerators.items()}


def rational_function(numerator: list[int], scale: int, denominator: Counter, N: sympy.Expr) -> sympy.Expr:
    """``numerator(N) / (scale prod (N + k)^{e_k})``, cancelled; integer roots of the numerator factored.

    ``numerator`` holds integer coefficients, constant term first; ``denominator`` maps ``k`` to ``e_k`` and
    is consumed. Cheaper than :func:`sympy.factor`, which it matches when the numerator splits over Z.

    >>> rational_function([-1, 0, 1], 2, Counter({1: 2, 0: 1}), sympy.Symbol("N"))
    (N - 1)/(2*N*(N + 1))
    """
    while numerator and not numerator[-1]:
        numerator.pop()
    if not numerator:
        return sympy.Integer(0)
    bound = max((abs(k) for k in denominator), default=0) + 2
    found: Counter = Counter()
    for k in sorted(range(-bound, bound + 1), key=lambda k: -denominator[k]):
        while len(numerator) > 1 and _horner(numerator, -k) == 0:
            numerator = _divide_linear(numerator, k)
            if denominator[k] > 0:
                denominator[k] -= 1
            else:
                found[k] += 1
    content = gcd(*numerator) * (1 if numerator[-1] > 0 else -1)
    primitive = sum(sympy.Integer(x // content) * N**i for i, x in enumerate(numerator))
    factors = [(N + k) ** e for k, e in found.items()] + [(N + k) ** -e for k, e in denominator.items() if e]
    return sympy.Mul(sympy.Rational(content, scale), primitive, *factors)


def _horner(coefficients: Sequence[int], x: int) -> int:
    """The value of a dense polynomial (constant term first) at ``x``."""
    value = 0
    for c in reversed(coefficients):
        value = value * x + c
    return value


def _divide_linear(coefficients: Sequence[int], k: int) -> list[int]:
    """The quotient of a dense polynomial by ``N + k`` (synthetic division; the remainder is dropped)."""
    quotient = [0] * (len(coefficients) - 1)
    carry = 0
    for i in range(len(coefficients) - 1, 0, -1):
        carry = coefficients[i] - k * carry
        quotient[i - 1] = carry
    return quotient


@cache
def weingarten_fractions(group: str, n: int, N: int) -> dict[Partition, Fraction]:
    """``{mu: Wg(mu, N)}`` as Fractions for an int ``N``, the sum over ``l(lambda) <= N`` (read only)."""
    check_group(group)
    table = dict.fromkeys(partitions(n), Fraction(0))
    for lam, shifts, weights in _terms(group, n):
        if len(lam) > N:
            continue
        denominator = prod(N + k for k in shifts)
        for mu, w in weights.items():
            table[mu] += w / denominator
    return table


def _symbolic(group: str, n: int, mu: Partition, N: sympy.Expr) -> sympy.Expr:
    """``Wg(mu, N)`` for a symbolic ``N``, factored."""
    exponents, scale, numerators = weingarten_polynomials(group, n)
    numerator = sum(c * N**i for i, c in enumerate(numerators[mu]))
    denominator = scale * sympy.Mul(*[(N + k) ** e for k, e in exponents.items()])
    return sympy.factor(numerator / denominator)


@cache
def _table(group: str, n: int, N: int | sympy.Expr) -> dict[Partition, sympy.Expr]:
    """Public table, cached per ``(group, n, N)``."""
    if isinstance(N, int):
        values = weingarten_fractions(group, n, N)
        return {mu: sympy.Rational(v.numerator, v.denominator) for mu, v in values.items()}
    return {mu: _symbolic(group, n, mu, N) for mu in partitions(n)}


def unitary_weingarten_table(n: int, N: int | sympy.Expr) -> dict[Partition, sympy.Expr]:
    """``{mu: Wg^U(mu, N)}`` for every cycle type ``mu |- n`` (Collins & Sniady 2006, Prop. 2.3).

    >>> N = sympy.Symbol("N")
    >>> unitary_weingarten_table(2, N)
    {(2,): -1/(N*(N - 1)*(N + 1)), (1, 1): 1/((N - 1)*(N + 1))}
    """
    return dict(_table("unitary", int(n), matrix_size(N)))


def orthogonal_weingarten_table(n: int, N: int | sympy.Expr) -> dict[Partition, sympy.Expr]:
    """``{mu: Wg^O(mu, N)}`` for every coset type ``mu |- n`` (Collins & Matsumoto 2009, Sec. 3).

    >>> orthogonal_weingarten_table(2, 3)
    {(2,): -1/30, (1, 1): 2/15}
    """
    return dict(_table("orthogonal", int(n), matrix_size(N)))


def unitary_weingarten(mu: Sequence[int], N: int | sympy.Expr) -> sympy.Expr:
    """``Wg^U(sigma, N)`` for ``sigma`` of cycle type ``mu`` (a class function on ``S_n``).

    Formula of the module docstring (Collins 2003; Collins & Sniady 2006, Prop. 2.3).

    >>> N = sympy.Symbol("N")
    >>> unitary_weingarten((2, 1), N)
    -1/((N - 2)*(N - 1)*(N + 1)*(N + 2))
    >>> unitary_weingarten((1, 1), 1)  # N = 1: the pseudo-inverse of the all-ones 2 x 2 Gram matrix
    1/4
    """
    mu = _partition(mu)
    return _table("unitary", sum(mu), matrix_size(N))[mu]


def orthogonal_weingarten(mu: Sequence[int], N: int | sympy.Expr) -> sympy.Expr:
    """``Wg^O(mu, N)`` for a pair of pairings of coset type ``mu`` (Collins & Matsumoto 2009, Sec. 3).

    >>> N = sympy.Symbol("N")
    >>> orthogonal_weingarten((1, 1), N)
    (N + 1)/(N*(N - 1)*(N + 2))
    """
    mu = _partition(mu)
    return _table("orthogonal", sum(mu), matrix_size(N))[mu]


def unitary_weingarten_perm(sigma: Sequence[int], N: int | sympy.Expr) -> sympy.Expr:
    """``Wg^U(sigma, N)`` for a permutation tuple ``sigma`` (``sigma[i]`` the image of ``i``).

    >>> unitary_weingarten_perm((1, 0), sympy.Symbol("N"))
    -1/(N*(N - 1)*(N + 1))
    """
    return unitary_weingarten(cycle_type(sigma), N) if len(sigma) else sympy.Integer(1)


def orthogonal_weingarten_pairings(p: Pairing, q: Pairing, N: int | sympy.Expr) -> sympy.Expr:
    """``Wg^O(p, q, N)``, a function of the coset type of the pairings ``p, q`` of ``2n`` points.

    >>> orthogonal_weingarten_pairings(((0, 1), (2, 3)), ((0, 2), (1, 3)), sympy.Symbol("N"))
    -1/(N*(N - 1)*(N + 2))
    """
    return orthogonal_weingarten(coset_type(p, q), N) if len(p) else sympy.Integer(1)
