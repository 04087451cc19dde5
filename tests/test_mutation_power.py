"""Tests with power: exact second routes that catch small errors in the Wick engine, the C-NFC prediction
and the free engine core (project issue 10; these are the tests a focused ``mutmut run`` relies on).

What each part guards and against what independent route:

* :mod:`freecalc.gaussian.wick`: every closed form is evaluated in exact rationals on integer fixed matrices
  at small k and d and compared, entry by entry, with a brute-force sum over all index assignments in which
  each Gaussian entry contributes its own moment ``E[w^n] = (n - 1)!! s2^(n/2)`` and each readout entry
  ``E[a^p]`` (no pairings, no graph of fixed matrices, no trace canonicalisation: a second algorithm). The
  comparison is exact, so it catches a 1% error (or any error) in the forms of ``TrRNRN`` and ``vvMvv``
  that the Monte Carlo of ``test_wick.py`` could only bound at a few percent.
* :mod:`freecalc.quadratic.predict`: two cases in which freeness of R from the data is exact, so the free
  prediction must equal a direct matrix computation to rounding: a scalar ``R = c I`` on any data (then
  ``tr(word) = c^#R tr(data word)``), and scalar data (``C = c I``, ``B = b I``, from orthonormal columns)
  with any moments of R (then the cosine is ``m3 / sqrt(m2 m4)``). Both correlations are checked at
  ``rel=1e-9``, far inside a 1% change. R's moments: ``analytic`` against the compound free Poisson
  moments from their free cumulants, ``exact`` against the brute-force sum, ``average:S`` against it by
  Monte Carlo within 5 standard errors.
* :mod:`freecalc.free.mixed_moments` and :mod:`freecalc.free.cumulants`: closed forms, in every basis, in
  a model where freeness is exact: letters are Laurent polynomials in the generators of the free group
  F_3, one generator per family, and ``tr`` is the coefficient of the identity, computed by multiplying
  reduced words (integers, exactly); cumulant atoms are evaluated by solving the moment-cumulant formula on
  a non-crossing partition list made here. Every memo table is cleared first, so nothing is looked up.
"""

import itertools
import math
import random
import warnings
from collections import Counter
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
import sympy

from freecalc import expand
from freecalc.errors import DataError, FreecalcError, ParameterError, WorkLimitError
from freecalc.free import mixed_moments
from freecalc.free.atoms import Cumulant, Trace, poly_to_sympy
from freecalc.free.cumulants import (
    cumulant_to_moments,
    cumulants_to_moments,
    moment_to_cumulants,
    moments_to_cumulants,
)
from freecalc.free.mixed_moments import BASES, clear_caches, convert_basis, expand_word, guarded
from freecalc.free.words import Families, base_letter, is_centered
from freecalc.gaussian.atoms import DIM, S2, FixedMatrix, FixedTrace, K, ReadoutMoment
from freecalc.gaussian.wick import wick_expectation
from freecalc.quadratic.network import sample_network
from freecalc.quadratic.predict import (
    DataStatistics,
    RSource,
    data_matrices,
    parse_r_source,
    predict,
    r_moments,
)

# ---------------------------------------------------------------- Wick engine: exact brute force


def _shape(name: str, transposed: bool) -> tuple[str, str]:
    if name == "W":
        return ("d", "k") if transposed else ("k", "d")
    if name == "a":
        return ("1", "k") if transposed else ("k", "1")
    return ("k", "k") if name == "D" else ("d", "d")


def _tokens(text: str) -> tuple[list[tuple[str, bool, int]], str | None]:
    """A word as (name, transposed, power) factors, read independently of the engine's parser."""
    trace, body = None, text.strip()
    if body[:3] in ("Tr(", "tr("):
        trace, body = body[:2], body[3:-1]
    tokens = []
    for item in body.split():
        name, _, power = item.partition("^")
        tokens.append((name.rstrip("'"), name.endswith("'"), int(power) if power else 1))
    return tokens, trace


def brute_force(text: str, mats: dict, kv: int, dv: int, s2: Fraction, moment: Callable[[int], Fraction]):
    """``E[word]`` as a sum over every index assignment; a dict (row, column) -> value, or () -> value."""
    tokens, trace = _tokens(text)
    size = {"k": kv, "d": dv, "1": 1}
    dims = [_shape(*tokens[0][:2])[0]] + [_shape(name, t)[1] for name, t, _ in tokens]
    n = len(tokens)
    out: dict[tuple, Fraction] = {}
    for combo in itertools.product(*(range(size[dims[b]]) for b in range(n if trace else n + 1))):
        idx = list(combo) + ([combo[0]] if trace else [])
        w_entries: Counter = Counter()
        a_powers: Counter = Counter()
        value = Fraction(1)
        for t, (name, transposed, power) in enumerate(tokens):
            row, col = idx[t], idx[t + 1]
            if name == "W":
                w_entries[(col, row) if transposed else (row, col)] += 1
            elif name == "a":
                a_powers[col if transposed else row] += 1
            elif name in ("D", "I"):
                value *= row == col
                a_powers[row] += power if name == "D" else 0
            else:
                value *= mats[name][col][row] if transposed else mats[name][row][col]
        for count in w_entries.values():
            value *= 0 if count % 2 else math.prod(range(count - 1, 0, -2)) * s2 ** (count // 2)
        for power in a_powers.values():
            value *= moment(power) if power else 1
        key = () if trace or dims[0] == "1" else (idx[0], idx[n])
        out[key] = out.get(key, 0) + value
    if trace == "tr":
        out = {key: v / size[dims[0]] for key, v in out.items()}
    return out


def _matrix(name: str, transposed: bool, mats: dict, dv: int) -> sympy.Matrix:
    if name == "I":
        return sympy.eye(dv)
    value = sympy.Matrix(mats[name])
    return value.T if transposed else value


def closed_form_value(expr: sympy.Expr, mats: dict, kv: int, dv: int, s2, moment: Callable[[int], Fraction]):
    """The engine's closed form in exact rationals: traces, non-commuting matrices and moments replaced."""
    subs = {K: kv, DIM: dv, S2: sympy.nsimplify(s2)}
    for sym in expr.free_symbols:
        if isinstance(sym, ReadoutMoment):
            subs[sym] = sympy.nsimplify(moment(sym.order))
        elif isinstance(sym, FixedTrace):
            product = sympy.eye(dv)
            for name, transposed in sym.factors:
                product = product * _matrix(name, transposed, mats, dv)
            subs[sym] = product.trace()
    total = sympy.zeros(dv, dv) if expr.has(*[s for s in expr.free_symbols if not s.is_commutative]) else 0
    for term in sympy.Add.make_args(sympy.expand(expr)):
        commuting, noncommuting = term.args_cnc()
        coefficient = sympy.Mul(*commuting).subs(subs)
        if noncommuting:
            value = sympy.eye(dv)
            for factor in noncommuting:
                base, exponent = factor.as_base_exp()
                value = value * _matrix(base.base, base.transposed, mats, dv) ** int(exponent)
            total = total + coefficient * value
        else:
            matrix = isinstance(total, sympy.MatrixBase)
            total = total + (coefficient * sympy.eye(dv) if matrix else coefficient)
    return total


def _as_dict(value, dv: int) -> dict[tuple, Fraction]:
    def fraction(x) -> Fraction:
        x = sympy.Rational(x)
        return Fraction(int(x.p), int(x.q))

    if isinstance(value, sympy.MatrixBase):
        return {(i, j): fraction(value[i, j]) for i in range(dv) for j in range(dv) if value[i, j] != 0}
    return {(): fraction(value)} if value != 0 else {}


def _nonzero(values: dict) -> dict:
    return {key: v for key, v in values.items() if v != 0}


def integer_matrices(seed: int, dv: int) -> dict[str, list[list[int]]]:
    """``N``, ``P`` general; ``M``, ``B``, ``C`` symmetric; small integers, so every value is exact."""
    rng = random.Random(seed)

    def general() -> list[list[int]]:
        return [[rng.randint(-3, 3) for _ in range(dv)] for _ in range(dv)]

    def symmetric() -> list[list[int]]:
        g = general()
        return [[g[i][j] + g[j][i] for j in range(dv)] for i in range(dv)]

    return {"N": general(), "P": general(), "M": symmetric(), "B": symmetric(), "C": symmetric()}


# a uniform on {1, 2}: no moment vanishes and none is an integer, so every moment's coefficient is seen
TWO_POINT: Callable[[int], Fraction] = lambda p: Fraction(1 + 2**p, 2)  # noqa: E731


def gaussian_moment(p: int) -> Fraction:
    return Fraction(math.prod(range(p - 1, 0, -2)) if p % 2 == 0 else 0)


def _check(word, symmetric, kv, dv, seed=0, variance=None, moment=TWO_POINT, a_moments=None):
    mats = integer_matrices(seed, dv)
    s2 = Fraction(1, kv) if variance is None else Fraction(variance)
    expr = wick_expectation(word, symmetric=symmetric, variance=variance, a_moments=a_moments)
    got = _as_dict(closed_form_value(expr, mats, kv, dv, s2, moment), dv)
    expected = _nonzero(brute_force(word, mats, kv, dv, s2, moment))
    assert got == expected, (word, got, expected)
    return expected


R = "W' D^2 W"

# (word, which fixed matrices the engine may treat as symmetric); M, B, C are symmetric, N and P are not
EXACT_WORDS = [
    (f"Tr({R} N {R} N)", False),  # TrRNRN of test_wick's Monte Carlo
    ("W' a a' W M W' a a' W", True),  # vvMvv of test_wick's Monte Carlo
    ("W' a a' W N W' a a' W", False),
    (f"C {R} B {R} C", True),  # the AGOP word
    (f"Tr({R} N {R} N')", False),
    ("Tr(W' W N W' W B W' W C)", "B C"),
    ("Tr(W' W N W' W P' W' W M)", "M"),
    ("Tr(W' D W N W' D W N B)", ["B"]),
    (f"N {R} N' W' W N", False),
    (f"P' {R} M {R} N", "M"),
    ("tr(D W N W' D)", False),  # a normalized k x k trace
    ("tr(a' W N W' a)", False),  # a normalized 1 x 1 trace
    ("a' D^3 a", True),
    (f"tr({R} {R})", True),  # input classes with no fixed matrix: factors d
    (f"Tr({R} M {R} {R})", True),
    ("W' W I N", False),
]


@pytest.mark.parametrize(("word", "symmetric"), EXACT_WORDS)
@pytest.mark.parametrize(("kv", "dv"), [(2, 3), (3, 2)])
def test_wick_forms_equal_the_exact_brute_force_sum(word, symmetric, kv, dv):
    _check(word, symmetric, kv, dv, seed=kv * 10 + dv)


@pytest.mark.parametrize("word", [f"Tr({R} M {R} B)", f"C {R} B {R} C", "W' a a' W M W' a a' W"])
def test_declaring_symmetric_matrices_general_changes_the_form_not_the_value(word):
    """Symmetric matrices declared non-symmetric: more trace atoms, the same exact value."""
    general = _check(word, False, 2, 3, seed=4)
    assert general == _check(word, True, 2, 3, seed=4)


def test_tr_rnrn_and_vvmvv_one_percent_off_is_caught():
    """The comparison above is exact: the forms scaled by 1.01 differ from the brute force."""
    for word, symmetric in EXACT_WORDS[:3]:
        mats, kv, dv = integer_matrices(5, 3), 2, 3
        expr = wick_expectation(word, symmetric=symmetric)
        expected = _nonzero(brute_force(word, mats, kv, dv, Fraction(1, kv), TWO_POINT))
        assert expected, word
        exact = _as_dict(closed_form_value(expr, mats, kv, dv, Fraction(1, kv), TWO_POINT), dv)
        off = _as_dict(closed_form_value(sympy.Rational(101, 100) * expr, mats, kv, dv, Fraction(1, kv),
                                         TWO_POINT), dv)
        assert exact == expected and off != expected


@pytest.mark.parametrize(("variance", "kv", "dv"), [("s2", 2, 3), (Fraction(2, 3), 3, 2), ("1/k", 2, 2)])
def test_variances_symbolic_numeric_and_default(variance, kv, dv):
    word = f"Tr({R} N {R} N)"
    mats = integer_matrices(7, dv)
    s2 = {"s2": Fraction(5, 7), "1/k": Fraction(1, kv)}.get(variance, variance)
    expr = wick_expectation(word, symmetric=False, variance=str(variance) if variance != "s2" else "s2")
    got = _as_dict(closed_form_value(expr, mats, kv, dv, s2, TWO_POINT), dv)
    assert got == _nonzero(brute_force(word, mats, kv, dv, s2, TWO_POINT))


def test_moment_specifications_none_function_and_partial_dict():
    word, kv, dv = f"Tr({R} N {R} N)", 3, 2
    mats = integer_matrices(8, dv)
    expected = _nonzero(brute_force(word, mats, kv, dv, Fraction(1, kv), gaussian_moment))
    for a_moments in (None, gaussian_moment, {2: 1}, {2: 1, 4: 3}):
        expr = wick_expectation(word, symmetric=False, a_moments=a_moments)
        assert expr.free_symbols.isdisjoint({ReadoutMoment(2)}) == (a_moments is not None)
        got = _as_dict(closed_form_value(expr, mats, kv, dv, Fraction(1, kv), gaussian_moment), dv)
        assert got == expected, a_moments
    # odd powers of single readout entries (D, not D^2): E[a] and E[a^3] enter through the given moments
    word = "W' D W N W' D^3 W"
    expected = _nonzero(brute_force(word, mats, kv, dv, Fraction(1, kv), TWO_POINT))
    given = {p: sympy.Rational(TWO_POINT(p).numerator, TWO_POINT(p).denominator) for p in range(1, 5)}
    for a_moments in (None, TWO_POINT, given, {1: given[1]}):
        expr = wick_expectation(word, symmetric=False, a_moments=a_moments)
        assert expr.has(ReadoutMoment(1)) == (a_moments is None)
        got = _as_dict(closed_form_value(expr, mats, kv, dv, Fraction(1, kv), TWO_POINT), dv)
        assert got == expected, a_moments


# ---------------------------------------------------------------- C-NFC prediction: exactly free cases


def _pearson_and_cosine(g: np.ndarray, h: np.ndarray) -> dict[str, float]:
    """The two correlations of G and H by their definitions over the d x d entries."""
    cosine = float(np.sum(g * h) / math.sqrt(np.sum(g * g) * np.sum(h * h)))
    return {"cosine": cosine, "pearson": float(np.corrcoef(g.ravel(), h.ravel())[0, 1])}


def _data(seed: int, n: int = 40, d: int = 9) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) @ np.diag(np.linspace(0.5, 2.0, d)) + 0.3
    y = np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0) + 0.2 * rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("kind", ["cosine", "pearson"])
@pytest.mark.parametrize("c", [0.5, 2.0])
def test_scalar_r_prediction_equals_the_direct_correlation(kind, c):
    """R = c I is free from any data: the prediction is the correlation of G = c C^2 and H = c^2 C B C."""
    X, y = _data(1)
    C, B = X.T @ np.diag(y) @ X, X.T @ X
    direct = _pearson_and_cosine(c * C @ C, c**2 * C @ B @ C)[kind]
    pred = predict(X, y, k=5, moments=np.array([c, c**2, c**3, c**4]), kind=kind)
    assert pred.predicted == pytest.approx(direct, rel=1e-9)
    assert pred.kind == kind and pred.r_source == "given" and pred.r_moments == (c, c**2, c**3, c**4)
    # the traces themselves, normalized by d
    d = X.shape[1]
    g, h = c * C @ C, c**2 * C @ B @ C
    expected = {"numerator": np.trace(g @ h) / d, "nfm_square": np.trace(g @ g) / d,
                "agop_square": np.trace(h @ h) / d}
    if kind == "pearson":
        expected |= {"nfm_mean": g.sum() / d**2, "agop_mean": h.sum() / d**2}
    assert pred.traces.keys() == expected.keys()
    for name, value in expected.items():
        assert pred.traces[name] == pytest.approx(value, rel=1e-9), name


def _scalar_data(c: float, b: float, n: int = 30, d: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """X with orthogonal columns of squared norm b and a constant label c / b: C = c I, B = b I."""
    q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((n, d)))
    return q * math.sqrt(b), np.full(n, c / b)


@pytest.mark.parametrize("kind", ["cosine", "pearson"])
def test_scalar_data_prediction_is_the_moment_formula(kind):
    """C = c I, B = b I: G = c^2 R, H = c^2 b R^2, and by freeness tr(R^j P) = tr(R^j) tr(P) = tr(R^j) / d.

    cosine = m3 / sqrt(m2 m4); pearson = (m3 - m1 m2 / d) / sqrt((m2 - m1^2 / d)(m4 - m2^2 / d)).
    """
    X, y = _scalar_data(1.5, 0.7)
    d = X.shape[1]
    rng = np.random.default_rng(4)
    a = rng.standard_normal((d, 11))
    r = a @ np.diag(rng.uniform(0.2, 3.0, 11)) @ a.T / 11  # an actual R, so the moments are moments
    m1, m2, m3, m4 = (np.trace(np.linalg.matrix_power(r, p)) / d for p in range(1, 5))
    formula = {"cosine": m3 / math.sqrt(m2 * m4),
               "pearson": (m3 - m1 * m2 / d) / math.sqrt((m2 - m1**2 / d) * (m4 - m2**2 / d))}
    pred = predict(X, y, k=4, moments=np.array([m1, m2, m3, m4]), kind=kind)
    assert pred.predicted == pytest.approx(formula[kind], rel=1e-9)
    assert abs(pred.predicted / formula[kind] - 1) < 0.01  # a 1% change fails
    if kind == "cosine":  # the cosine holds for this very R, free or not
        direct = _pearson_and_cosine(1.5**2 * r, 1.5**2 * 0.7 * r @ r)["cosine"]
        assert pred.predicted == pytest.approx(direct, rel=1e-9)


# moments E[a^(2n)], n = 1..4, of the unit-variance readout laws (Gaussian: (2n - 1)!!; uniform on
# [-sqrt 3, sqrt 3]: 3^n / (2n + 1); Rademacher: 1)
EVEN_MOMENTS = {
    "gaussian": [1, 3, 15, 105],
    "rademacher": [1, 1, 1, 1],
    "uniform": [Fraction(3**n, 2 * n + 1) for n in range(1, 5)],
}


def compound_free_poisson_moments(c: float, law: str) -> list[float]:
    """Limit moments of R = W' D^2 W: free cumulants kappa_n = c^(n-1) E[a^(2n)] (rate 1/c, jumps c a^2),
    turned into moments by the moment-cumulant formula up to n = 4 (Nica & Speicher, Lecture 11)."""
    k1, k2, k3, k4 = (c ** (n - 1) * float(EVEN_MOMENTS[law][n - 1]) for n in range(1, 5))
    return [k1, k2 + k1**2, k3 + 3 * k1 * k2 + k1**3, k4 + 4 * k1 * k3 + 2 * k2**2 + 6 * k1**2 * k2 + k1**4]


@pytest.mark.parametrize("law", ["gaussian", "rademacher", "uniform"])
def test_analytic_r_moments_are_the_compound_free_poisson_moments(law):
    got = r_moments("analytic", 3, 6, a_law=law)  # c = d / k = 1/2
    assert got == pytest.approx(compound_free_poisson_moments(0.5, law), rel=1e-12)
    pred = predict(*_data(2), k=6, r_source="analytic", a_law=law)
    assert pred.r_moments == pytest.approx(compound_free_poisson_moments(9 / 6, law), rel=1e-12)
    assert pred.r_source == "analytic"


@pytest.mark.parametrize("law", ["gaussian", "rademacher"])
def test_exact_r_moments_are_the_brute_force_expectations(law):
    d, k = 3, 2
    moment = lambda p: Fraction(EVEN_MOMENTS[law][p // 2 - 1]) if p % 2 == 0 else Fraction(0)  # noqa: E731
    expected = []
    for p in range(1, 5):
        value = brute_force(f"tr({' '.join([R] * p)})", {}, k, d, Fraction(1, k), moment)
        expected.append(float(value[()]))
    assert r_moments("exact", d, k, a_law=law) == pytest.approx(expected, rel=1e-12)


def test_empirical_and_averaged_r_moments_follow_their_seeds():
    d, k = 4, 3
    net = sample_network(d, k, a_law="rademacher", seed=11)
    assert np.array_equal(r_moments("empirical", d, k, network=net), net.r_moments(4))
    from_seed = r_moments("empirical", d, k, a_law="rademacher", seed=11)
    assert np.array_equal(from_seed, net.r_moments(4))
    assert not np.array_equal(from_seed, r_moments("empirical", d, k, seed=11))  # the law is used
    first = r_moments("average:3", d, k, seed=5)
    assert np.array_equal(first, r_moments("average:3", d, k, seed=5))
    assert not np.array_equal(first, r_moments("average:3", d, k, seed=6))
    assert not np.array_equal(first, r_moments("average:2", d, k, seed=5))
    assert first.shape == (4,) and r_moments("analytic", d, k, order=6).shape == (6,)


def test_averaged_r_moments_agree_with_the_exact_expectation():
    """average:400 against E tr(R^p) of the brute force, within 5 standard errors of 400 own draws."""
    d, k, draws = 3, 2, 400
    moment = lambda p: Fraction(1) if p % 2 == 0 else Fraction(0)  # noqa: E731  (Rademacher)
    exact = [float(brute_force(f"tr({' '.join([R] * p)})", {}, k, d, Fraction(1, k), moment)[()])
             for p in range(1, 5)]
    mean = r_moments(f"average:{draws}", d, k, a_law="rademacher", seed=1)
    rng = np.random.default_rng(2)
    own = np.array([sample_network(d, k, a_law="rademacher", seed=rng).r_moments(4) for _ in range(draws)])
    stderr = own.std(axis=0, ddof=1) / math.sqrt(draws)
    assert np.all(np.abs(mean - exact) < 5 * stderr), (mean, exact, stderr)
    assert np.all(stderr < 0.2 * np.abs(exact))  # the check has power (p = 4 has heavy tails at k = 2)
    pred = predict(*_data(3, d=d), k=k, r_source=f"average:{draws}", a_law="rademacher", seed=1)
    assert pred.r_source == f"average:{draws}" and pred.r_moments == pytest.approx(mean, rel=1e-12)


def test_r_source_parsing_and_errors():
    assert parse_r_source("average:30") == RSource("average", 30)
    assert str(RSource("average", 30)) == "average:30" and str(RSource("exact")) == "exact"
    assert parse_r_source(RSource("empirical")) == RSource("empirical")
    for text in ("analytic", "empirical", "exact"):
        assert parse_r_source(text) == RSource(text, 1)
    for text in ("average:x", "average:3:4", "average:"):
        with pytest.raises(ParameterError, match="bad R-moment source .*; use average:S with an integer S"):
            parse_r_source(text)
    with pytest.raises(ParameterError, match="^average:S needs S >= 1$"):
        parse_r_source("average:0")
    assert parse_r_source("average:1") == RSource("average", 1)
    with pytest.raises(ParameterError, match="unknown R-moment source 'bogus'"):
        parse_r_source("bogus")
    for d, k in ((0, 3), (3, 0)):
        with pytest.raises(ParameterError, match="^sizes must be positive$"):
            r_moments("analytic", d, k)
    assert len(r_moments("analytic", 1, 1)) == 4


def test_data_matrices_values_and_errors():
    X, y = _data(5, n=20, d=4)
    mats = data_matrices(X, y)
    assert set(mats) == {"C", "B"}
    assert np.allclose(mats["C"], X.T @ np.diag(y) @ X, rtol=1e-12) and np.allclose(mats["B"], X.T @ X)
    with_mean = data_matrices(X, y, mean_letter=True)
    assert np.array_equal(with_mean["P"], np.full((4, 4), 0.25))
    tiny = data_matrices(1e-3 * X, y)  # X^T X has a trace below 1: still fine
    assert np.allclose(tiny["B"], 1e-6 * X.T @ X, rtol=1e-12)
    with pytest.raises(DataError, match="all zero"):
        data_matrices(np.zeros_like(X), y)
    bad = X.copy()
    bad[2, 1] = np.nan
    with pytest.raises(DataError, match="non-finite"):
        data_matrices(bad, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow is reported as one DataError, without a warning
        with pytest.raises(DataError, match="overflows in float32"):
            data_matrices((X * 1e20).astype(np.float32), y)
        with pytest.raises(DataError, match="overflows in float64"):  # X^T X is finite, X^T Y X is not
            data_matrices(X, y * 1e307)
        with pytest.raises(DataError, match="is zero in float64"):  # non-zero X whose squares underflow
            data_matrices(X * 1e-200, y)


def test_prediction_arguments_and_errors():
    X, y = _data(6, n=30, d=5)
    stats = DataStatistics(X, y)
    assert stats.kind == "cosine" and stats.dim == 5
    assert np.allclose(stats.grams[0], X.T @ np.diag(y) @ X) and np.allclose(stats.grams[1], X.T @ X)
    moments = np.array([1.0, 2.0, 5.0, 14.0])
    reused = predict(None, None, k=3, moments=moments, statistics=stats)
    assert reused.predicted == predict(X, y, k=3, moments=moments).predicted
    with pytest.raises(ParameterError, match="^correlation must be cosine or pearson$"):
        DataStatistics(X, y, "spearman")
    with pytest.raises(ParameterError, match="statistics are for the cosine correlation, not pearson"):
        predict(X, y, k=3, kind="pearson", statistics=stats)
    with pytest.raises(ParameterError, match="the network has d = 5, k = 4"):
        predict(X, y, k=3, network=sample_network(5, 4, seed=0), r_source="empirical")
    with pytest.raises(ParameterError, match="the network has d = 6, k = 3"):
        predict(X, y, k=3, network=sample_network(6, 3, seed=0), r_source="empirical")
    net = sample_network(5, 3, seed=9)
    given = predict(X, y, k=3, network=net, r_source="empirical")
    assert given.predicted == stats.predict(net.r_moments()).predicted and given.r_source == "empirical"
    seeded = predict(X, y, k=3, r_source="empirical", seed=9, statistics=stats)
    assert seeded.r_moments == tuple(sample_network(5, 3, seed=9).r_moments())


# ---------------------------------------------------------------- free engine: the free group model


# Letters as Laurent polynomials {exponent: coefficient} in the generator of their family's copy of Z: the
# group algebras of the factors of a free product of groups are freely independent in the free product's
# group algebra with the trace tr(x) = coefficient of the identity (the example that motivates the
# definition of freeness: Nica & Speicher, Lecture 5, free products of groups). So any word is computed
# exactly by multiplying reduced words of the free group F_3 = Z * Z * Z.
LAURENT = {
    "A": {1: 1, -1: 1, 0: 1},
    "B": {2: 1, -1: 2, 1: 1},
    "R": {1: 2, -1: 1, 0: -1, 2: 1},
    "S": {1: 1, -1: 3, 3: 1},
    "T": {-1: 1, 0: 2, 1: 1},
}
GENERATOR = {"A": 0, "B": 0, "R": 1, "S": 2, "T": 2}
FREE_GROUP_FAMILIES = Families.of("A,B", "R", "S,T")
GENERATOR_FAMILY = GENERATOR  # one generator per family


def _letter(name: str) -> tuple[int, dict[int, int]]:
    """Generator and Laurent polynomial of a letter; a centered letter drops its constant term."""
    poly = dict(LAURENT[base_letter(name)])
    if is_centered(name):
        poly.pop(0, None)
    return GENERATOR[base_letter(name)], poly


def free_group_trace(word: tuple[str, ...]) -> int:
    """tr(word): the coefficient of the identity in the product, over reduced words of the free group."""
    elements: dict[tuple[tuple[int, int], ...], int] = {(): 1}
    for name in word:
        gen, poly = _letter(name)
        product: dict[tuple[tuple[int, int], ...], int] = {}
        for element, coefficient in elements.items():
            for exponent, c in poly.items():
                if exponent == 0:
                    new = element
                elif element and element[-1][0] == gen:
                    total = element[-1][1] + exponent
                    new = element[:-1] + (((gen, total),) if total else ())
                else:
                    new = element + ((gen, exponent),)
                product[new] = product.get(new, 0) + coefficient * c
        elements = {e: c for e, c in product.items() if c}
    return elements.get((), 0)


def _noncrossing(n: int) -> list[list[tuple[int, ...]]]:
    """NC(n) by filtering all set partitions (crossing: a < b < c < d with a, c and b, d in two blocks)."""
    def partitions(items):
        if not items:
            yield []
            return
        first, rest = items[0], items[1:]
        for sub in partitions(rest):
            yield [(first,), *sub]
            for i in range(len(sub)):
                yield [*sub[:i], (first, *sub[i]), *sub[i + 1:]]

    def crossing(p, q):
        pairs = itertools.product(itertools.combinations(p, 2), itertools.combinations(q, 2))
        return any(a < b < c < e for (a, c), (b, e) in pairs)

    return [[tuple(sorted(b)) for b in part] for part in partitions(list(range(n)))
            if not any(crossing(p, q) or crossing(q, p) for p, q in itertools.combinations(part, 2))]


def free_cumulant_value(arguments: tuple[tuple[str, ...], ...]) -> int:
    """kappa(x_1, ..., x_s) from the moment-cumulant formula solved for the top term (Definition 11.3)."""
    s = len(arguments)
    total = free_group_trace(sum(arguments, ()))
    for blocks in _noncrossing(s):
        if len(blocks) > 1:
            total -= math.prod(free_cumulant_value(tuple(arguments[i] for i in b)) for b in blocks)
    return total


def free_group_value(expr: sympy.Expr) -> sympy.Expr:
    """A closed form with its trace and cumulant atoms replaced by their free-group values."""
    values = {}
    for atom in expr.free_symbols:
        if isinstance(atom, Cumulant):
            values[atom] = free_cumulant_value(atom.arguments)
        else:
            values[atom] = free_group_trace(atom.word)
    return sympy.expand(expr.xreplace(values))


FREE_WORDS = [
    ("A", "R", "A", "R"),
    ("A", "R", "B", "R", "A", "S"),
    ("A", "R", "A", "S", "B", "R", "T", "R"),
    ("R", "S", "R", "T", "A", "B", "A"),
    ("A", "A", "R", "B", "S", "S", "R", "T"),
    ("S", "R", "A", "R", "S", "B"),
    ("A", "B", "A", "R"),
    ("R", "R", "S", "T", "R"),
]


@pytest.fixture
def fresh_caches():
    """Start from empty memo tables, so each expansion below is computed rather than looked up."""
    clear_caches()
    yield
    clear_caches()


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("word", FREE_WORDS, ids="".join)
def test_free_engine_equals_the_free_group_model(word, basis):
    expected = free_group_trace(word)
    closed = poly_to_sympy(expand_word(word, FREE_GROUP_FAMILIES, basis))
    assert free_group_value(closed) == expected, (word, basis, closed)


@pytest.mark.usefixtures("fresh_caches")
def test_free_group_model_has_power():
    """The model's values are not those of a classically independent or a trivial model."""
    word = ("A", "R", "A", "R")
    classical = free_group_trace(("A", "A")) * free_group_trace(("R", "R"))
    assert free_group_trace(word) != classical
    assert free_group_value(expand(word, FREE_GROUP_FAMILIES)) == free_group_trace(word)


def _alternating(n: int) -> tuple[str, ...]:
    return tuple(x for _ in range(n) for x in ("A", "R", "B", "S"))


@pytest.mark.usefixtures("fresh_caches")
def test_guard_limits_and_reports_only_inside_its_block():
    word = _alternating(2)
    steps: list[int] = []
    with guarded(max_terms=10**6, progress=steps.append):
        value = free_group_value(poly_to_sympy(expand_word(word, FREE_GROUP_FAMILIES)))
    assert value == free_group_trace(word)
    assert steps and all(isinstance(s, int) and s >= 1 for s in steps)
    clear_caches()
    count = len(steps)
    expand_word(word, FREE_GROUP_FAMILIES)  # outside the block: no limit, no reports
    assert len(steps) == count
    clear_caches()
    with pytest.raises(WorkLimitError, match="more than 3 terms"), guarded(max_terms=3):
        expand_word(word, FREE_GROUP_FAMILIES)
    clear_caches()
    with guarded(progress=steps.append):  # a progress callback alone sets no limit
        expand_word(word, FREE_GROUP_FAMILIES)
    assert len(steps) > count


def test_clear_caches_empties_every_memo_table():
    expand_word(("A", "R", "B", "S", "T"), FREE_GROUP_FAMILIES, "centered")
    tables = (mixed_moments._expand_with, mixed_moments._expand_raw, mixed_moments._moment_in_centered)
    assert all(table.cache_info().currsize > 0 for table in tables)
    clear_caches()
    assert all(table.cache_info().currsize == 0 for table in tables)


@pytest.mark.usefixtures("fresh_caches")
@pytest.mark.parametrize("basis", ["moments", "centered", "cumulants"])
def test_convert_basis_keeps_the_value(basis):
    word = ("A", "R", "B", "S", "R", "T")
    moments = expand_word(word, FREE_GROUP_FAMILIES, "moments")
    converted = poly_to_sympy(convert_basis(moments, basis))
    assert free_group_value(converted) == free_group_trace(word)
    assert converted == poly_to_sympy(expand_word(word, FREE_GROUP_FAMILIES, basis))


def test_basis_errors_and_empty_words():
    with pytest.raises(FreecalcError, match="unknown basis 'free'; choose one of moments, centered"):
        expand_word(("A", "R"), FREE_GROUP_FAMILIES, "free")
    with pytest.raises(FreecalcError, match="basis 'mixed' cannot be reached from moments"):
        convert_basis(expand_word(("A", "R"), FREE_GROUP_FAMILIES), "mixed")
    for basis in BASES:
        assert poly_to_sympy(expand_word((), FREE_GROUP_FAMILIES, basis)) == 1
    assert expand_word(("A", "R"), FREE_GROUP_FAMILIES) == expand_word(("R", "A"), FREE_GROUP_FAMILIES)


def test_the_cumulant_family_has_the_fewest_distinct_runs():
    """The family whose cumulants are expanded: fewest distinct maximal runs, then fewest runs, then first."""

    def runs(word, family):
        inside = [GENERATOR_FAMILY[x] == family for x in word]
        starts = [i for i in range(len(word)) if inside[i] and not inside[i - 1]]
        out = []
        for s in starts:
            j = s
            while inside[j % len(word)] and j < s + len(word):
                j += 1
            out.append(tuple(word[i % len(word)] for i in range(s, j)))
        return out

    for word in [*FREE_WORDS, ("A", "R", "A", "R", "S"), ("R", "A", "R", "B", "S", "T", "S", "T"),
                 ("A", "R", "A", "R", "A", "S")]:
        present = sorted({GENERATOR_FAMILY[x] for x in word})
        expected = min(present, key=lambda f: (len(set(runs(word, f))), len(runs(word, f)), f))
        assert mixed_moments._cumulant_family(FREE_GROUP_FAMILIES, word) == expected, word


@pytest.mark.parametrize("letter", ["A", "B", "R", "S"])
def test_univariate_cumulants_of_free_group_laws(letter):
    """moments_to_cumulants and cumulants_to_moments against the cumulants solved from NC(n) here."""
    moments = [free_group_trace((letter,) * n) for n in range(1, 7)]
    cumulants = [free_cumulant_value(((letter,),) * n) for n in range(1, 7)]
    assert moments_to_cumulants(moments) == cumulants
    assert cumulants_to_moments(cumulants) == moments
    as_sympy = [sympy.Integer(m) for m in moments]
    assert moments_to_cumulants(as_sympy) == cumulants and cumulants_to_moments(cumulants[:3]) == moments[:3]


def test_multivariate_cumulants_and_moments_of_free_group_letters():
    for arguments in [("A", "B"), ("A", "B", "A"), (("A", "B"), "B", "A"), ("S", "T", "T", "S")]:
        args = tuple((a,) if isinstance(a, str) else a for a in arguments)
        assert free_group_value(cumulant_to_moments(arguments)) == free_cumulant_value(args), arguments
    for word in [("A", "B", "A"), ("S", "T", "S", "S"), ("A", "A", "B", "B", "A")]:
        assert free_group_value(moment_to_cumulants(word)) == free_group_trace(word), word
    # letters with names of several characters are letters, not words of characters
    a1, a2 = Trace(("A1",)), Trace(("A2",))
    assert sympy.expand(cumulant_to_moments(["A1", "A2"]) - (Trace(("A1", "A2")) - a1 * a2)) == 0


def test_symbolic_cumulants_come_expanded():
    """kappa_1 = m_1 and kappa_2 = m_2 - m_1^2 of m_1 = x + 1, m_2 = x^2 + 2x + 1 + y: x + 1 and y."""
    x, y = sympy.symbols("x y")
    assert moments_to_cumulants([x + 1, x**2 + 2 * x + 1 + y]) == [x + 1, y]
    assert cumulants_to_moments([x + 1, y]) == [x + 1, x**2 + 2 * x + 1 + y]
    # plain numbers stay plain Python numbers (no sympy types leak into numeric callers)
    numeric = moments_to_cumulants([0.5, 1.25, 3.0]) + cumulants_to_moments([0.5, 1.0])
    assert all(type(v) is float for v in numeric)


def _transpose_reversal(factors: list[str]) -> list[str]:
    return [f[:-1] if f.endswith("'") else f + "'" for f in reversed(factors)]


CYCLES = [["N", "P'", "M"], ["N", "N", "P"], ["M", "B", "N'", "C"], ["N", "M", "N'"]]


@pytest.mark.parametrize("cycle", CYCLES)
def test_trace_atoms_are_one_symbol_per_cycle_class(cycle):
    """Tr(X1..Xn) = Tr(X2..Xn X1) = Tr(Xn'..X1'): every rotation and transposed reversal, one atom."""
    symmetric = "M B C"
    forms = set()
    for seq in (cycle, _transpose_reversal(cycle)):
        for i in range(len(seq)):
            forms.add(wick_expectation(f"Tr({' '.join(seq[i:] + seq[:i])})", symmetric=symmetric))
    assert len(forms) == 1, forms
    # also when the cycle is closed by the Wick pairings rather than written out
    (atom,) = forms
    inside = f"Tr(W' W {' '.join(cycle)})"
    assert wick_expectation(inside, symmetric=symmetric, variance="s2") == K * S2 * atom


@pytest.mark.parametrize(("word", "symmetric"), EXACT_WORDS)
def test_symmetric_matrices_never_appear_transposed(word, symmetric):
    expr = wick_expectation(word, symmetric=symmetric)
    declared = {"M", "B", "C"} if symmetric is True else set()
    if isinstance(symmetric, str):
        declared = set(symmetric.split())
    elif isinstance(symmetric, list):
        declared = set(symmetric)
    for atom in expr.free_symbols:
        if isinstance(atom, FixedTrace):
            assert not any(t and name in declared for name, t in atom.factors), (word, atom)
        elif isinstance(atom, FixedMatrix):
            assert not (atom.transposed and atom.base in declared), (word, atom)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"a_moments": "cauchy"}, r"^a_moments='cauchy': give E\[a\^p\] as a dict or a function of p, e\.g\. "
                                  r"freecalc\.quadratic\.readout\.readout_law\('gaussian'\)\.moment$"),
        ({"a_moments": {0: 1}}, r"^a_moments keys must be integers p >= 1$"),
        ({"a_moments": {2.0: 1}}, r"^a_moments keys must be integers p >= 1$"),
        ({"a_moments": 3.5}, r"^a_moments must be None, a function p -> E\[a\^p\] or a dict "
                             r"\{p: E\[a\^p\]\}$"),
        ({"variance": -1}, r"^the variance must be positive, got -1$"),
        ({"variance": 0}, r"^the variance must be positive, got 0$"),
        ({"variance": "k +"}, r"^cannot read the variance 'k \+'$"),
    ],
)
def test_wick_parameter_errors_say_what_is_wrong(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        wick_expectation(R, **kwargs)


def test_wick_parameters_in_every_accepted_spelling():
    word, kv, dv = f"Tr({R} N {R} B)", 2, 3
    mats = integer_matrices(12, dv)
    spellings = (("1/d", Fraction(1, dv)), ("2*s2", Fraction(2, 5)), (Fraction(3, 4), Fraction(3, 4)))
    for variance, s2 in spellings:  # s2 = 1/5 below
        expr = wick_expectation(word, symmetric="B", variance=str(variance)).subs(S2, sympy.Rational(1, 5))
        got = _as_dict(closed_form_value(expr, mats, kv, dv, s2, TWO_POINT), dv)
        assert got == _nonzero(brute_force(word, mats, kv, dv, s2, TWO_POINT)), variance
    # a dict may give E[a^1]; the odd moments of the two-point law do not vanish
    a_word = "a' W N W' a"
    expected = _nonzero(brute_force(a_word, mats, kv, dv, Fraction(1, kv), TWO_POINT))
    given = {1: sympy.Rational(3, 2), 2: sympy.Rational(5, 2)}
    expr = wick_expectation(a_word, symmetric=False, a_moments=given)
    assert not expr.free_symbols & {ReadoutMoment(1), ReadoutMoment(2)}
    assert _as_dict(closed_form_value(expr, mats, kv, dv, Fraction(1, kv), TWO_POINT), dv) == expected
    # matrix names separated by commas or spaces, or given as a list, are the same declaration
    word = f"Tr(C {R} B {R} N)"
    forms = {wick_expectation(word, symmetric=s) for s in ("B,C", "B C", ["C", "B"], ("B", "C"))}
    assert len(forms) == 1
    assert wick_expectation(word, symmetric=True) != wick_expectation(word, symmetric=False)
    assert wick_expectation(word, symmetric="B,C") != wick_expectation(word, symmetric="B")
    long_names = f"Tr(M1 {R} B2 {R} N)"  # names of several characters: split into names, not characters
    declared = wick_expectation(long_names, symmetric="M1, B2")
    assert declared == wick_expectation(long_names, symmetric=["B2", "M1"])
    assert declared != wick_expectation(long_names, symmetric=False)


def test_moment_coefficients_are_factored():
    """Each coefficient of a monomial in the moments E[a^p] comes factored (the module's stated form)."""
    expr = wick_expectation(f"tr({R} {R} {R})")
    terms = sympy.Add.make_args(expr)
    assert len(terms) >= 3
    monomials = set()
    for term in terms:
        factors = sympy.Mul.make_args(term)
        is_moment = [isinstance(f.as_base_exp()[0], ReadoutMoment) for f in factors]
        monomial = sympy.Mul(*(f for f, m in zip(factors, is_moment, strict=True) if m))
        coefficient = sympy.Mul(*(f for f, m in zip(factors, is_moment, strict=True) if not m))
        assert coefficient == sympy.factor(coefficient), term
        monomials.add(monomial)
    assert len(monomials) == len(terms)  # one term per moment monomial


def test_data_matrices_read_x_once(monkeypatch):
    """X's values are checked on X^T X, not by another pass over X (data_matrices' stated cost)."""
    from freecalc.datasets import base

    def second_pass(X):
        raise AssertionError("a second pass over X")

    monkeypatch.setattr(base, "_finite_and_nonzero", second_pass)
    X, y = _data(7, n=20, d=4)
    assert np.allclose(data_matrices(X, y)["B"], X.T @ X)
    with pytest.raises(AssertionError, match="second pass"):  # the check is reached when X is bad
        data_matrices(np.zeros_like(X), y)
