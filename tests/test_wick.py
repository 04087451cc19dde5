"""Exact Wick expectations: hand-derived closed forms, Monte Carlo at small sizes, the free large-size limit.

Notation: W is k x d with i.i.d. N(0, s2) entries, a has i.i.d. entries with m_p = E[a^p], D = diag(a),
R = W' D^2 W, and v = W' a. Hand results used below:

* E[R] = k s2 m2 I.
* E[R M R] = sum_{i,j} E[a_i^2 a_j^2] E[w_i w_i' M w_j w_j'] with w_i the rows of W: for i != j it is
  s2^2 m2^2 M, for i = j the fourth moment of a Gaussian vector gives s2^2 m4 (Tr(M) I + M + M'); with
  s2 = 1/k this is (1 - 1/k) m2^2 M + (m4 / k)(Tr(M) I + M + M').
* E[Tr(R^2)] = sum_{i,j} E[a_i^2 a_j^2] E[(w_i . w_j)^2] = k(k-1) m2^2 d s2^2 + k m4 s2^2 (d^2 + 2d).
* Given a, v = W' a is N(0, s2 |a|^2 I), so E[v v' M v v'] = s2^2 E[|a|^4] (Tr(M) I + 2M) for symmetric M and
  E[v' M v] = s2 E[|a|^2] Tr(M), with E[|a|^4] = k m4 + k(k-1) m2^2.
"""

import math
import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
import sympy

from freecalc.errors import ParameterError, ParseError
from freecalc.gaussian.atoms import DIM, IDENTITY, S2, K, matrix_symbol, moment_symbol, trace_symbol
from freecalc.gaussian.wick import wick_expectation
from freecalc.quadratic.readout import readout_law
from freecalc.quadratic.rlaw import network_r_moments

k, d, s2, I = K, DIM, S2, IDENTITY
M, Mt, B, C = matrix_symbol("M"), matrix_symbol("M", True), matrix_symbol("B"), matrix_symbol("C")
TrM, TrB = trace_symbol("M"), trace_symbol("B")


def m(p: int) -> sympy.Symbol:
    return moment_symbol(p)


R = "W' D^2 W"


def power_of_r(p: int) -> str:
    return " ".join([R] * p)


def same(x: sympy.Expr, y: sympy.Expr) -> bool:
    return sympy.simplify(sympy.expand(x - y)) == 0


# ---------------------------------------------------------------- hand-derived closed forms


def test_expectation_of_r():
    assert same(wick_expectation(R), m(2) * I)
    assert same(wick_expectation(R, variance="s2"), k * s2 * m(2) * I)
    assert same(wick_expectation("W' W", variance="s2"), k * s2 * I)
    assert same(wick_expectation("W' D W"), m(1) * I)


def test_r_m_r_symmetric():
    expected = (1 - 1 / k) * m(2) ** 2 * M + m(4) / k * (TrM * I + 2 * M)
    assert same(wick_expectation(f"{R} M {R}"), expected)


def test_r_m_r_not_symmetric():
    expected = (1 - 1 / k) * m(2) ** 2 * M + m(4) / k * (TrM * I + M + Mt)
    assert same(wick_expectation(f"{R} M {R}", symmetric=False), expected)
    assert same(wick_expectation(f"{R} M {R}", symmetric=["B"]), expected)


def test_r_m_r_general_variance():
    expected = s2**2 * (k * (k - 1) * m(2) ** 2 * M + k * m(4) * (TrM * I + 2 * M))
    assert same(wick_expectation(f"{R} M {R}", variance="s2"), expected)


def test_c_r_b_r_c_is_c_times_r_b_r_times_c():
    expected = (1 - 1 / k) * m(2) ** 2 * C * B * C + m(4) / k * (TrB * C**2 + 2 * C * B * C)
    assert same(wick_expectation(f"C {R} B {R} C"), expected)


def test_trace_of_r_squared():
    unnormalized = k * (k - 1) * m(2) ** 2 * d * s2**2 + k * m(4) * s2**2 * (d**2 + 2 * d)
    assert same(wick_expectation(f"Tr({power_of_r(2)})", variance="s2"), unnormalized)
    assert same(wick_expectation(f"tr({power_of_r(2)})"), unnormalized.subs(s2, 1 / k) / d)


def test_words_with_the_vector_a():
    norm4 = k * m(4) + k * (k - 1) * m(2) ** 2
    expected = s2**2 * norm4 * (TrM * I + 2 * M)
    assert same(wick_expectation("W' a a' W M W' a a' W", variance="s2"), expected)
    assert same(wick_expectation("a' W M W' a", variance="s2"), s2 * k * m(2) * TrM)
    assert same(wick_expectation("a' D a"), k * m(3))


def test_traces_of_fixed_matrices_and_k_by_k_traces():
    assert same(wick_expectation("Tr(M)"), TrM)
    assert same(wick_expectation("tr(I)"), 1)
    assert same(wick_expectation("M B"), M * B)
    assert same(wick_expectation("Tr(W M W')", variance="s2"), k * s2 * TrM)
    assert same(wick_expectation("tr(D^2)"), m(2))
    assert same(wick_expectation("tr(W M W')"), TrM / k)


def test_trace_symbols_are_invariant_under_rotation_and_reversal():
    assert wick_expectation("Tr(B M C)") == wick_expectation("Tr(C B M)")
    assert wick_expectation("Tr(M B)") == wick_expectation("Tr(B M)")
    assert wick_expectation("Tr(M' B')", symmetric=False) == wick_expectation("Tr(B M)", symmetric=False)
    assert wick_expectation("Tr(M')", symmetric=False) == TrM
    assert wick_expectation("Tr(M M')", symmetric=False) == wick_expectation("Tr(M' M)", symmetric=False)
    assert wick_expectation("Tr(M M)", symmetric=False) != wick_expectation("Tr(M M')", symmetric=False)
    assert wick_expectation("M'") == M
    assert wick_expectation("M'", symmetric=False) == Mt


def test_laws_and_moment_dicts_substitute_the_moments():
    word = f"tr({power_of_r(3)})"
    symbolic = wick_expectation(word)
    gaussian = {m(p): (math.prod(range(p - 1, 0, -2)) if p % 2 == 0 else 0) for p in range(1, 13)}
    assert same(wick_expectation(word, a_moments=readout_law("gaussian").moment), symbolic.subs(gaussian))
    rademacher = {m(p): 1 - p % 2 for p in range(1, 13)}
    assert same(wick_expectation(word, a_moments=readout_law("rademacher").moment), symbolic.subs(rademacher))
    assert same(wick_expectation(word, a_moments={2: 1}), symbolic.subs(m(2), 1))
    # uniform on [-sqrt 3, sqrt 3]: E[a^(2q)] = integral of a^(2q) / (2 sqrt 3) = 3^q / (2q + 1), not integers
    uniform = {m(p): (sympy.Integer(3) ** (p // 2) / (p + 1) if p % 2 == 0 else 0) for p in range(1, 13)}
    assert same(wick_expectation(word, a_moments=readout_law("uniform").moment), symbolic.subs(uniform))


def test_wick_module_imports_no_numpy():
    code = "import sys, freecalc.gaussian.wick\nprint('numpy' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("word", "kwargs", "error"),
    [
        ("W W", {}, ParseError),  # shape mismatch: k x d times k x d
        ("W' D M", {}, ParseError),  # shape mismatch: k x k times d x d
        ("W' x W", {}, ParseError),  # unknown token
        ("W' D^2 w", {}, ParseError),  # unknown token
        ("W' D^ W", {}, ParseError),  # malformed power
        ("W M W'", {}, ParseError),  # k x k result
        ("W' a", {}, ParseError),  # d x 1 result
        ("Tr(W)", {}, ParseError),  # trace of a non-square word
        ("Tr(W' W", {}, ParseError),  # unbalanced parenthesis
        ("", {}, ParseError),
        ("W' D^0 W", {}, ParseError),
        ("W' D' W", {}, ParseError),  # D = diag(a) has no transpose of its own
        (R, {"a_moments": "cauchy"}, ParameterError),  # named laws live in freecalc.quadratic.readout
        (R, {"a_moments": {0: 1}}, ParameterError),
        (R, {"variance": -1}, ParameterError),
    ],
)
def test_errors(word, kwargs, error):
    with pytest.raises(error):
        wick_expectation(word, **kwargs)


# ---------------------------------------------------------------- Monte Carlo at small sizes

N_SAMPLES = 200_000

LAWS: dict[str, Callable[[int], float]] = {
    "gaussian": lambda p: float(math.prod(range(p - 1, 0, -2))) if p % 2 == 0 else 0.0,
    "rademacher": lambda p: 1.0 if p % 2 == 0 else 0.0,
    "two-point": lambda p: (1.0 + 2.0**p) / 2.0,  # a uniform on {1, 2}: odd moments do not vanish
}


def draw_a(rng: np.random.Generator, law: str, shape: tuple[int, ...]) -> np.ndarray:
    if law == "gaussian":
        return rng.standard_normal(shape)
    if law == "rademacher":
        return rng.choice([-1.0, 1.0], size=shape)
    return rng.choice([1.0, 2.0], size=shape)


def fixed_matrices(rng: np.random.Generator, dim: int) -> dict[str, np.ndarray]:
    x, y = rng.standard_normal((dim, dim)), rng.standard_normal((dim, dim))
    g = rng.standard_normal((dim, dim))
    return {"M": (g + g.T) / 2, "N": g, "B": x.T @ x / dim, "C": x.T @ (y + y.T) @ x / dim**2}


def evaluate(expr: sympy.Expr, mats: dict[str, np.ndarray], kv: int, dv: int, law: str, var: float):
    """Numeric value of an exact expectation: Tr(...) Symbols, non-commuting matrix Symbols, moments."""

    def matrix(name: str) -> np.ndarray:
        if name == "I":
            return np.eye(dv)
        return mats[name[:-1]].T if name.endswith("'") else mats[name]

    subs = {k: kv, d: dv, s2: var} | {m(p): LAWS[law](p) for p in range(1, 17)}
    for sym in expr.free_symbols:
        if sym.name.startswith("Tr("):
            factors = [matrix(t) for t in sym.name[3:-1].split()]
            subs[sym] = float(np.trace(np.linalg.multi_dot([*factors, np.eye(dv)])))
    total = 0.0
    for term in sympy.Add.make_args(sympy.expand(expr.subs(subs))):
        commuting, noncommuting = term.args_cnc()
        value = np.eye(dv) if noncommuting else np.ones(())
        for factor in noncommuting:
            base, exp = factor.as_base_exp()
            value = value @ np.linalg.matrix_power(matrix(base.name), int(exp))
        total = total + float(sympy.Mul(*commuting)) * value
    return np.asarray(total, dtype=float)


def s_of(w: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """W' diag(weights) W for every sample."""
    return np.einsum("nid,ni,nie->nde", w, weights, w)


def r_of(w: np.ndarray, a: np.ndarray) -> np.ndarray:
    return s_of(w, a**2)


def outer_v(w: np.ndarray, a: np.ndarray) -> np.ndarray:
    v = np.einsum("nid,ni->nd", w, a)
    return v[:, :, None] * v[:, None, :]


def tr(x: np.ndarray) -> np.ndarray:
    return np.trace(x, axis1=-2, axis2=-1)


def sample_rmr(w, a, f):
    return r_of(w, a) @ f["M"] @ r_of(w, a)


def sample_rnr(w, a, f):
    return r_of(w, a) @ f["N"] @ r_of(w, a)


def sample_crbrc(w, a, f):
    return f["C"] @ r_of(w, a) @ f["B"] @ r_of(w, a) @ f["C"]


def sample_tr_r3(w, a, f):
    r = r_of(w, a)
    return tr(r @ r @ r) / w.shape[2]


def sample_tr_rnrn(w, a, f):
    r = r_of(w, a)
    return tr(r @ f["N"] @ r @ f["N"])


def sample_vvmvv(w, a, f):
    return outer_v(w, a) @ f["M"] @ outer_v(w, a)


def sample_vnv(w, a, f):
    return tr(outer_v(w, a) @ f["N"].T)


def sample_sms(w, a, f):
    return s_of(w, a) @ f["M"] @ s_of(w, a)


# word, whether its fixed matrices are symmetric, per-sample value from (W, a, fixed matrices)
CASES = {
    "RMR": (f"{R} M {R}", True, sample_rmr),
    "RNR": (f"{R} N {R}", False, sample_rnr),
    "CRBRC": (f"C {R} B {R} C", True, sample_crbrc),
    "trR3": (f"tr({power_of_r(3)})", True, sample_tr_r3),
    "TrRNRN": (f"Tr({R} N {R} N)", False, sample_tr_rnrn),
    "vvMvv": ("W' a a' W M W' a a' W", True, sample_vvmvv),
    "vNv": ("a' W N W' a", False, sample_vnv),
    "SMS": ("W' D W M W' D W", True, sample_sms),
}


def monte_carlo(case: str, law: str, kv: int, dv: int, var: float, seed: int):
    word, symmetric, sample = CASES[case]
    rng = np.random.default_rng(seed)
    mats = fixed_matrices(rng, dv)
    w = rng.standard_normal((N_SAMPLES, kv, dv)) * math.sqrt(var)
    a = draw_a(rng, law, (N_SAMPLES, kv))
    values = sample(w, a, mats)
    mean = values.mean(axis=0)
    stderr = values.std(axis=0, ddof=1) / math.sqrt(N_SAMPLES)
    exact_expr = wick_expectation(word, symmetric=symmetric, variance="s2")
    exact = evaluate(exact_expr, mats, kv, dv, law, var)
    return mean, stderr, exact, mats


@pytest.mark.parametrize(
    ("case", "law", "kv", "dv", "var", "seed"),
    [
        ("RMR", "gaussian", 3, 3, 1 / 3, 1),
        ("RMR", "rademacher", 3, 2, 1 / 3, 2),
        ("RMR", "two-point", 3, 3, 2.0, 3),
        ("RNR", "gaussian", 3, 3, 1 / 3, 4),
        ("CRBRC", "gaussian", 3, 3, 1 / 3, 5),
        ("CRBRC", "rademacher", 3, 2, 1 / 3, 6),
        ("trR3", "gaussian", 3, 2, 1 / 3, 7),
        ("trR3", "rademacher", 3, 3, 1 / 3, 8),
        ("TrRNRN", "gaussian", 3, 2, 1 / 3, 9),
        ("TrRNRN", "rademacher", 3, 3, 1 / 3, 10),
        ("vvMvv", "gaussian", 3, 3, 1 / 3, 11),
        ("vvMvv", "two-point", 3, 2, 1 / 3, 12),
        ("vNv", "two-point", 3, 3, 1 / 3, 13),
        ("SMS", "two-point", 3, 3, 1 / 3, 14),
        ("SMS", "gaussian", 3, 2, 1 / 3, 15),
    ],
)
def test_monte_carlo(case, law, kv, dv, var, seed):
    mean, stderr, exact, _ = monte_carlo(case, law, kv, dv, var, seed)
    assert exact.shape == mean.shape
    assert np.all(np.abs(mean - exact) <= 5 * stderr), (mean, exact, stderr)
    # the check has power: standard errors are small against the size of the expectation
    assert stderr.max() < 0.05 * np.abs(exact).max()


def test_monte_carlo_rejects_the_leading_order_formula():
    mean, stderr, exact, mats = monte_carlo("RMR", "gaussian", 3, 3, 1 / 3, 1)
    leading = mats["M"]  # E[a^2]^2 M, the k -> infinity value without the 1/k corrections
    assert np.any(np.abs(mean - leading) > 5 * stderr)


# ---------------------------------------------------------------- large-size limit: compound free Poisson


@pytest.mark.parametrize("c", [sympy.Rational(1, 2), sympy.Integer(1), sympy.Integer(2)])
def test_large_size_limit_matches_free_probability(c):
    free = network_r_moments(5, c, "gaussian")
    for p in range(1, 6):
        exact = wick_expectation(f"tr({power_of_r(p)})", a_moments=readout_law("gaussian").moment)
        assert sympy.limit(exact.subs(d, c * k), k, sympy.oo) == free[p - 1]
