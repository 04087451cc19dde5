"""Second-order freeness against brute force, published values and Monte Carlo.

References: the second-order moment-cumulant formula (Collins, Mingo, Sniady & Speicher, Doc. Math. 12, 2007;
Mingo & Speicher, *Free Probability and Random Matrices*, 2017, Chapter 5) is implemented here from scratch,
by filtering all permutations and set partitions; the real case (Redelmeier, IMRN 2014; Mingo & Popa, J. Math.
Phys. 54, 2013) adds the sum over permutations non-crossing for the annulus with its inner circle reversed.
"""

import subprocess
import sys
from functools import cache

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_annular import brute_snc, crossing, cycles_of, set_partitions

from freecalc.errors import ParameterError
from freecalc.free.atoms import poly_to_sympy
from freecalc.free.second_order import (
    canonical_atom,
    covariance,
    covariance_in_moments,
    covariance_to_moments,
    law_second_order_moments,
    second_order_cumulants,
    second_order_moments,
)
from freecalc.numeric.haar import haar_orthogonal, haar_unitary

K = {n: sympy.Symbol(f"k{n}") for n in range(1, 9)}
K2 = {(p, q): sympy.Symbol(f"k{min(p, q)}_{max(p, q)}") for p in range(1, 8) for q in range(1, 8)}


def same(a, b):
    return sympy.expand(a - b) == 0


@cache
def nc(n):
    return tuple(tuple(map(tuple, part)) for part in set_partitions(list(range(n))) if not crossing(part))


# --- one variable -----------------------------------------------------------------------------------------


def brute_alpha(p, q, kappa, kappa2, real):
    """The partitioned-permutation sum, straight from the definition."""
    total = 0
    for orientation in (False, True) if real else (False,):
        for perm in brute_snc(p, q, orientation):
            total += sympy.Mul(*(kappa[len(c)] for c in cycles_of(perm)))
    for pi1 in nc(p):
        for pi2 in nc(q):
            for v1 in pi1:
                for v2 in pi2:
                    rest = [kappa[len(b)] for b in pi1 if b != v1] + [kappa[len(b)] for b in pi2 if b != v2]
                    total += kappa2[(len(v1), len(v2))] * sympy.Mul(*rest)
    return total


def brute_moment(n, kappa):
    return sympy.Add(*(sympy.Mul(*(kappa[len(b)] for b in part)) for part in nc(n)))


@pytest.mark.parametrize("real", [False, True])
def test_moments_match_the_brute_force_formula(real):
    alpha = second_order_moments(K, K2, 6, real=real)
    assert set(alpha) == {(p, q) for p in range(1, 6) for q in range(1, 6) if p + q <= 6}
    for (p, q), value in alpha.items():
        assert same(value, brute_alpha(p, q, K, K2, real)), (p, q)


@pytest.mark.parametrize("real", [False, True])
def test_cumulants_round_trip_symbolically(real):
    moments = {n: brute_moment(n, K) for n in range(1, 8)}
    alpha = second_order_moments(K, K2, 7, real=real)
    back = second_order_cumulants(moments, alpha, 7, real=real)
    assert all(same(back[pq], K2[pq]) for pq in back) and len(back) == 21
    m = {n: sympy.Symbol(f"m{n}") for n in range(1, 7)}
    a = {(p, q): sympy.Symbol(f"a{p}{q}") for p in range(1, 6) for q in range(1, 6) if p + q <= 6}
    cumulants_m = second_order_cumulants(m, a, 6, real=real)
    kappa_m = {n: sympy.Symbol(f"c{n}") for n in range(1, 7)}
    # push back through the moment formula with the free cumulants of m solved by brute force
    equations = [brute_moment(n, kappa_m) - m[n] for n in range(1, 7)]
    solved = sympy.solve(equations, list(kappa_m.values()), dict=True)
    kappa_sub = {n: solved[0][kappa_m[n]] for n in range(1, 7)}
    again = second_order_moments(kappa_sub, cumulants_m, 6, real=real)
    assert all(same(again[pq], a[pq]) for pq in a)


@pytest.mark.parametrize("real", [False, True])
def test_deterministic_second_order_cumulants_are_minus_the_through_sum(real):
    """All fluctuation moments zero => kappa_{p,q} = -c * sum over through permutations of kappa_pi."""
    moments = {n: brute_moment(n, K) for n in range(1, 7)}
    zeros = {(p, q): 0 for p in range(1, 6) for q in range(1, 6)}
    got = second_order_cumulants(moments, zeros, 6, real=real)
    for (p, q), value in got.items():
        through = [x for x in brute_snc(p, q) if all(min(c) < p <= max(c) for c in cycles_of(x))]
        through_sum = sympy.Add(*(sympy.Mul(*(K[len(c)] for c in cycles_of(x))) for x in through))
        expected = -(2 if real else 1) * through_sum
        assert same(value, expected), (p, q)
    assert same(got[(1, 1)], -K[2] * (2 if real else 1))


def test_missing_inputs_are_reported():
    with pytest.raises(ParameterError):
        second_order_cumulants({1: 0}, {(1, 1): 1}, 2)
    with pytest.raises(ParameterError):
        second_order_cumulants({1: 0, 2: 1}, {}, 2)
    with pytest.raises(ParameterError):
        law_second_order_moments("cauchy", 1, 1)


# --- laws -------------------------------------------------------------------------------------------------

# Mingo & Nica (IMRN 2004); Mingo & Speicher (2017), Chapter 5: GUE fluctuation moments = |NC_2(p, q)|.
GUE = {(1, 1): 1, (2, 2): 2, (1, 3): 3, (3, 3): 12, (2, 4): 8, (4, 4): 36}


@pytest.mark.parametrize(("pq", "value"), GUE.items())
def test_gue_and_goe_published_values(pq, value):
    assert law_second_order_moments("gue", *pq) == value
    assert law_second_order_moments("goe", *pq) == 2 * value
    assert law_second_order_moments("gue", *pq[::-1]) == value
    assert law_second_order_moments("gue", pq[0], pq[1] + 1) == 0  # odd total degree


def test_wishart_values():
    # Mingo & Nica (2004): free Poisson with vanishing second-order cumulants; at c = 1, |S_NC(p, q)|.
    assert [law_second_order_moments("wishart", *pq) for pq in [(1, 1), (1, 2), (2, 2)]] == [1, 4, 18]
    c = sympy.Symbol("c")
    # Tr W = sum |g_ij|^2 / N: Var = N M / N^2 = c exactly (complex), 2c (real: Var g^2 = 2).
    assert same(law_second_order_moments("wishart", 1, 1, c=c), c)
    assert same(law_second_order_moments("real_wishart", 1, 1, c=c), 2 * c)
    assert same(law_second_order_moments("complex_wishart", 1, 2, c=c), 2 * c**2 + 2 * c)


# --- words: an independent reference ------------------------------------------------------------------------


def canon(seq, dihedral):
    candidates = [tuple(seq), tuple(reversed(seq))] if dihedral else [tuple(seq)]
    return min(s[i:] + s[:i] for s in candidates for i in range(len(s)))


def k_symbol(letters, dihedral):
    return sympy.Symbol("k(" + ",".join(canon(letters, dihedral)) + ")")


def reference_covariance(P, Q, families, group="unitary", random=()):
    """lim Cov(Tr P, Tr Q) by the definition: all of S_NC(p, q) (and the reversed annulus for orthogonal),
    all pairs of non-crossing partitions, mixed cumulants zero; second-order cumulants of a deterministic
    family obtained by solving "every fluctuation moment of the family is zero" recursively."""
    family = {x: i for i, f in enumerate(families) for x in f}
    dihedral = group == "orthogonal"

    def one_family(letters):
        return len({family[x] for x in letters}) == 1

    def first_sum(P, Q, reverse):
        W, total = P + Q, 0
        for perm in brute_snc(len(P), len(Q), reverse):
            cs = cycles_of(perm)
            if all(one_family([W[i] for i in c]) for c in cs):
                total += sympy.Mul(*(k_symbol([W[i] for i in c], dihedral) for c in cs))
        return total

    def second_sum(P, Q, k2):
        total = 0
        for pi1 in nc(len(P)):
            for pi2 in nc(len(Q)):
                blocks1 = [[P[i] for i in b] for b in pi1]
                blocks2 = [[Q[i] for i in b] for b in pi2]
                if not all(map(one_family, blocks1 + blocks2)):
                    continue
                for v1 in range(len(pi1)):
                    for v2 in range(len(pi2)):
                        if one_family(blocks1[v1] + blocks2[v2]):
                            rest = [b for i, b in enumerate(blocks1) if i != v1]
                            rest += [b for i, b in enumerate(blocks2) if i != v2]
                            total += k2(tuple(blocks1[v1]), tuple(blocks2[v2])) * sympy.Mul(
                                *(k_symbol(b, dihedral) for b in rest)
                            )
        return total

    def fluctuation(P, Q, k2):
        total = first_sum(P, Q, False) + (first_sum(P, Q, True) if dihedral else 0)
        return total + second_sum(P, Q, k2)

    @cache
    def k2(xs, ys):
        if family[xs[0]] in random:
            a, b = sorted([canon(xs, dihedral), canon(ys, dihedral)])
            return sympy.Symbol("k2(" + ",".join(a) + ";" + ",".join(b) + ")")
        top = sympy.Symbol("TOP")  # the (1_m, 1_n) term of the family's own (vanishing) fluctuation moment
        equation = fluctuation(xs, ys, lambda a, b: top if (a, b) == (xs, ys) else k2(a, b))
        return sympy.solve(equation, top)[0]

    return sympy.expand(fluctuation(tuple(P), tuple(Q), k2))


FAMILIES = [("A", "B"), ("R",), ("S",)]


@settings(max_examples=70, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda p: st.tuples(
            st.lists(st.sampled_from("ABRS"), min_size=p, max_size=p),
            st.lists(st.sampled_from("ABRS"), min_size=1, max_size=7 - p),
        )
    ),
    st.sampled_from(["unitary", "orthogonal"]),
    st.sets(st.integers(0, 2)),
)
@example((tuple("ARAR"), tuple("RBR")), "unitary", set())
@example((tuple("ARAR"), tuple("RBR")), "orthogonal", set())
@example((tuple("ARBS"), tuple("SRA")), "unitary", {0})
@example((tuple("ARBS"), tuple("SRA")), "orthogonal", {1, 2})
@example((tuple("AAR"), tuple("RAAR")), "orthogonal", {0, 1})
def test_covariance_matches_the_definition(words, group, random):
    P, Q = words
    got = poly_to_sympy(covariance(P, Q, FAMILIES, group, random))
    assert same(got, reference_covariance(P, Q, FAMILIES, group, random))


def test_deterministic_families_can_still_fluctuate_jointly():
    """A deterministic family alone has no fluctuations; a random family alone has its own."""
    assert covariance("AB", "BA", FAMILIES) == {}
    assert covariance("AB", "AAB", FAMILIES, "orthogonal") == {}
    own = covariance("RR", "R", FAMILIES, random=[1])
    assert own and same(poly_to_sympy(own), reference_covariance("RR", "R", FAMILIES, random=[1]))


def test_variance_of_a_rotated_product_in_closed_form():
    """Var Tr(A U B U*) -> k2(A) k2(B), twice that for orthogonal U (Mingo & Speicher 2017, Chapter 5)."""
    tr = {w: sympy.Symbol(f"tr({w})") for w in ["A", "AA", "R", "RR"]}
    expected = (tr["AA"] - tr["A"] ** 2) * (tr["RR"] - tr["R"] ** 2)
    for group, factor in [("unitary", 1), ("orthogonal", 2)]:
        cumulant_form = poly_to_sympy(covariance("AR", "AR", [["A"], ["R"]], group))
        assert same(cumulant_form, factor * sympy.Symbol("k(A,A)") * sympy.Symbol("k(R,R)"))
        moment_form = poly_to_sympy(covariance_in_moments("AR", "AR", [["A"], ["R"]], group))
        assert same(moment_form, factor * expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from("ABRS"), min_size=1, max_size=5),
    st.lists(st.sampled_from("ABRS"), min_size=1, max_size=5),
    st.sampled_from(["unitary", "orthogonal"]),
    st.sets(st.integers(0, 2)),
    st.integers(0, 4),
    st.integers(0, 4),
)
def test_symmetry_and_rotation_invariance(P, Q, group, random, i, j):
    base = covariance(P, Q, FAMILIES, group, random)
    assert covariance(Q, P, FAMILIES, group, random) == base
    i, j = i % len(P), j % len(Q)
    assert covariance(P[i:] + P[:i], Q[j:] + Q[:j], FAMILIES, group, random) == base
    if group == "orthogonal":  # symmetric letters: Tr(Q) = Tr(Q^T) = Tr(reversed Q)
        assert covariance(P, Q[::-1], FAMILIES, group, random) == base


def substitute(poly, letter, replacement, group):
    """Expand every atom multilinearly in ``letter`` -> sum of ``replacement`` letters (one occurrence)."""
    out = {}
    for mono, coef in poly.items():
        for new in replacement:
            atoms = []
            for kind, body in mono:
                if kind == "k":
                    body = tuple((new,) if w == (letter,) else w for w in body)
                elif kind == "k2":
                    body = tuple(tuple((new,) if w == (letter,) else w for w in side) for side in body)
                atoms.append(canonical_atom((kind, body), group))
            key = tuple(sorted(atoms))
            out[key] = out.get(key, 0) + coef
    return {m: c for m, c in out.items() if c}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from("ABRS"), min_size=0, max_size=4),
    st.lists(st.sampled_from("ABRS"), min_size=1, max_size=5),
    st.sampled_from(["unitary", "orthogonal"]),
    st.sets(st.integers(0, 2)),
)
def test_linearity_in_one_letter(P, Q, group, random):
    """Multilinear: C = A + B (A's family, used once) in Cov(Tr PC, Tr Q) = Cov(Tr PA, .) + Cov(Tr PB, .)."""
    families = [("A", "B", "C"), ("R",), ("S",)]
    lhs = substitute(covariance([*P, "C"], Q, families, group, random), "C", "AB", group)
    rhs = dict(covariance([*P, "A"], Q, families, group, random))
    for mono, coef in covariance([*P, "B"], Q, families, group, random).items():
        rhs[mono] = rhs.get(mono, 0) + coef
    assert lhs == {m: c for m, c in rhs.items() if c}


def test_input_errors():
    with pytest.raises(ParameterError):
        covariance("AR", "AR", [["A", "R"], ["R"]])
    with pytest.raises(ParameterError):
        covariance("AX", "AR", [["A"], ["R"]])
    with pytest.raises(ParameterError):
        covariance("AR", "AR", [["A"], ["R"]], group="symplectic")
    with pytest.raises(ParameterError):
        covariance("AR", "AR", [["A"], ["R"]], random=[2])
    assert covariance("", "AR", [["A"], ["R"]]) == {}


def test_symbolic_core_does_not_import_numpy():
    code = (
        "import sys, freecalc.free.second_order, freecalc.combinatorics.annular\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- numbers ----------------------------------------------------------------------------------------------


def trace_of(word, mats):
    """tr(word) = Tr(product) / N."""
    product = mats[word[0]]
    for letter in word[1:]:
        product = product @ mats[letter]
    return np.trace(product).real / product.shape[0]


def numeric_cumulant(letters, mats, memo):
    """kappa_n by the moment-cumulant recursion tr(x_1..x_n) = sum_{pi in NC(n)} kappa_pi (brute-force NC)."""
    if letters not in memo:
        n, total = len(letters), trace_of(letters, mats)
        for part in nc(n):
            if len(part) > 1:
                total -= np.prod([numeric_cumulant(tuple(letters[i] for i in b), mats, memo) for b in part])
        memo[letters] = total
    return memo[letters]


def evaluate(poly, mats, known=None):
    """Value of a polynomial in ("k", ...), ("tr", ...) (and ("k2", ...) if given in ``known``) atoms."""
    known, memo = known or {}, {}
    total = 0.0
    for mono, coef in poly.items():
        value = float(coef)
        for atom in mono:
            kind, body = atom
            if atom in known:
                value *= known[atom]
            elif kind == "tr":
                value *= trace_of(body, mats)
            elif kind == "k":
                value *= numeric_cumulant(tuple(w[0] for w in body), mats, memo)
            else:
                raise KeyError(atom)
        total += value
    return total


def covariance_and_se(x, y):
    centred = (x - x.mean()) * (y - y.mean())
    return centred.mean().real, centred.real.std() / np.sqrt(len(x))


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from("ABRS"), min_size=1, max_size=4),
    st.lists(st.sampled_from("ABRS"), min_size=1, max_size=4),
    st.sampled_from(["unitary", "orthogonal"]),
)
def test_moment_form_has_the_same_value(P, Q, group):
    """Moebius conversion vs numerically computed free cumulants, on concrete symmetric matrices."""
    rng = np.random.default_rng(5)
    mats = {x: (lambda g: g + g.T)(rng.standard_normal((6, 6))) for x in "ABRS"}
    in_cumulants = evaluate(covariance(P, Q, FAMILIES, group), mats)
    in_moments = evaluate(covariance_in_moments(P, Q, FAMILIES, group), mats)
    assert in_moments == pytest.approx(in_cumulants, rel=1e-9, abs=1e-9)
    converted = covariance_to_moments(covariance(P, Q, FAMILIES, group), group)
    assert covariance_in_moments(P, Q, FAMILIES, group) == converted


# --- Monte Carlo --------------------------------------------------------------------------------------------
#
# The sampled Cov(Tr ., Tr .) at size N differs from its limit by O(1/N^2) in the complex cases and by O(1/N)
# in the real ones (e.g. GOE: Var Tr X^2 = 4 + 4/N exactly). Measured with 10^4 - 2 10^4 samples at N = 25
# and 50, the real relative deviation was at most 4.1/N for p + q <= 8 (GOE, (4,4)) and at most 2.1/N for the
# rotated words below, so the real-case tolerance adds 5|limit|/N to the 4 standard errors.


def eigenvalues(law, N, n, rng, c=1.0, chunk=200):
    out, M = [], round(c * N)
    for start in range(0, n, chunk):
        k = min(chunk, n - start)
        if law in ("gue", "wishart"):
            shape = (k, N, N) if law == "gue" else (k, N, M)
            G = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)
        else:
            G = rng.standard_normal((k, N, N) if law == "goe" else (k, N, M))
        if law in ("gue", "goe"):  # E|x_ij|^2 = 1/N off the diagonal
            out.append(np.linalg.eigvalsh((G + np.conj(np.swapaxes(G, 1, 2))) / np.sqrt(2 * N)))
        else:  # G G^* / N
            out.append(np.linalg.svd(G, compute_uv=False) ** 2 / N)
    return np.concatenate(out)


LAW_CASES = [
    ("gue", 1.0, [(1, 1), (2, 2), (1, 3), (3, 3), (2, 4), (4, 4)]),
    ("goe", 1.0, [(1, 1), (2, 2), (1, 3), (3, 3), (2, 4), (4, 4)]),
    ("wishart", 1.0, [(1, 1), (1, 2), (2, 2), (1, 3)]),
    ("wishart", 0.5, [(1, 2), (2, 2), (1, 3)]),
    ("real_wishart", 1.0, [(1, 1), (1, 2), (2, 2), (1, 3)]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("law", "c", "pairs"), LAW_CASES)
def test_laws_against_monte_carlo(law, c, pairs):
    N, n = 100, 1200
    lam = eigenvalues(law, N, n, np.random.default_rng(7), c)
    real = law in ("goe", "real_wishart")
    for p, q in pairs:
        limit = float(law_second_order_moments(law, p, q, c=sympy.Rational(c)))
        estimate, se = covariance_and_se((lam**p).sum(1), (lam**q).sum(1))
        assert se < 0.06 * limit
        allowance = 5 * limit / N if real else 0
        assert abs(estimate - limit) < 4 * se + allowance, (law, c, p, q, estimate, limit)


def rotated_model(N, rng):
    """Deterministic symmetric A, B (one family, not commuting), spectra of R and S; spreads, mixed signs."""
    return {
        "a": rng.normal(0.4, 1.0, N),
        "W": haar_orthogonal(N, rng),
        "b": rng.normal(-0.3, 1.0, N),
        "d": rng.normal(0.5, 1.0, N),
        "e": rng.uniform(-1.0, 2.0, N),
    }


WORD_PAIRS = [
    ("AR", "AR"),
    ("ARAR", "ARAR"),
    ("ARARBR", "ARARBR"),
    ("ARAR", "AR"),
    ("ARBS", "SBRA"),  # Tr(ARBS)* = Tr(SBRA): E|Tr P - E Tr P|^2 in the unitary case
    ("ARBS", "ARBS"),
    ("ARBS", "SRA"),
]
VARIANCES = {("AR", "AR"), ("ARAR", "ARAR"), ("ARARBR", "ARARBR"), ("ARBS", "SBRA")}
N_ROTATED = 200


def word_trace(word, dense, diagonal):
    """Tr of a word whose letters are dense matrices or diagonals (vectors); diagonals scale columns."""
    start = next(i for i, x in enumerate(word) if x in dense)
    word = word[start:] + word[:start]
    factors = []
    for x in word:
        if x in dense:
            factors.append(dense[x])
        else:
            factors[-1] = factors[-1] * diagonal[x][None, :]
    if len(factors) == 1:
        return np.trace(factors[0])
    head = factors[0] if len(factors) == 2 else np.linalg.multi_dot(factors[:-1])
    return np.sum(head * factors[-1].T)


def rotated_samples(group, n):
    """Tr of each word for R = U D U*, S = V E V* with U, V independent Haar; A, B fixed.

    Computed in the frame rotated by U: (U* A U, U* B U, D, V' E V'*), V' = U* V Haar and independent of U.
    """
    N, rng = N_ROTATED, np.random.default_rng(11)
    model, haar = rotated_model(N, rng), haar_unitary if group == "unitary" else haar_orthogonal
    words = sorted({w for pair in WORD_PAIRS for w in pair})
    traces = {w: np.empty(n, dtype=complex) for w in words}
    for k in range(n):
        U, V = haar(N, rng), haar(N, rng)
        Uh = U.conj().T
        UB = Uh @ model["W"]
        dense = {
            "A": Uh @ (model["a"][:, None] * U),
            "B": (UB * model["b"][None, :]) @ UB.conj().T,
            "S": (V * model["e"][None, :]) @ V.conj().T,
        }
        for w in words:
            traces[w][k] = word_trace(w, dense, {"R": model["d"]})
    fixed = {
        "A": np.diag(model["a"]),
        "B": model["W"] @ np.diag(model["b"]) @ model["W"].T,
        "R": np.diag(model["d"]),
        "S": np.diag(model["e"]),
    }
    return traces, fixed


@pytest.mark.slow
@pytest.mark.parametrize(("group", "n"), [("unitary", 600), ("orthogonal", 800)])
def test_rotated_words_against_monte_carlo(group, n):
    """One sample set per group (so that ``pytest -n 2`` does not draw it twice), every pair checked."""
    traces, fixed = rotated_samples(group, n)
    allowance = 5 / N_ROTATED if group == "orthogonal" else 0  # relative, see above
    failures = []
    for P, Q in WORD_PAIRS:
        limit = evaluate(covariance(P, Q, FAMILIES, group), fixed)
        estimate, se = covariance_and_se(traces[P], traces[Q])
        imprecise = (P, Q) in VARIANCES and se > 0.065 * limit  # variances are measured to about 5%
        if abs(estimate - limit) > 4 * se + allowance * abs(limit) or imprecise:
            failures.append((P, Q, estimate, limit, se))
    assert not failures, failures

    # Var Tr(A U D U*) -> k2(A) k2(D) (unitary), 2 k2(A) k2(D) (orthogonal), k2(X) = tr X^2 - (tr X)^2
    k2 = [np.mean(np.diag(fixed[x]) ** 2) - np.mean(np.diag(fixed[x])) ** 2 for x in "AR"]
    limit = (1 if group == "unitary" else 2) * k2[0] * k2[1]
    assert evaluate(covariance("AR", "AR", FAMILIES, group), fixed) == pytest.approx(limit, rel=1e-12)
    estimate, se = covariance_and_se(traces["AR"], traces["AR"])
    assert abs(estimate - limit) < 4 * se + allowance * limit


def semicircle_substitution(poly):
    """Symbol -> value: tr(X^k) of a semicircular X (Catalan numbers); every ``k2`` atom 0 (GUE, GOE)."""
    values = {}
    for mono in poly:
        for kind, body in mono:
            if kind == "k2" or (kind == "tr" and set(body) == {"X"}):
                k = len(body)
                value = 0 if kind == "k2" or k % 2 else sympy.catalan(k // 2)
                values[poly_to_sympy({((kind, body),): 1})] = value
    return values


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_gaussian_family_closed_forms(group):
    """Hand computations from independent entries: Tr(AXX) = sum_i a_i X_ii^2 + sum_{i<j} (a_i + a_j) |X_ij|^2
    etc. give, for GUE exactly and for GOE up to O(1/N):
    Var Tr(AXAX) = 2 tr(A^2)^2 (GOE 4 tr(A^2)^2 + 4 tr(A^4)/N), Var Tr(AXX) = tr(A^2) + tr(A)^2 (GOE twice,
    + 4 tr(A^2)/N), Cov(Tr AX, Tr AAX) = tr(A^3) (GOE twice)."""
    tr = {k: sympy.Symbol("tr(" + "A" * k + ")") for k in range(1, 5)}
    factor = 1 if group == "unitary" else 2
    expected = {
        ("AXAX", "AXAX"): factor * 2 * tr[2] ** 2,
        ("AXX", "AXX"): factor * (tr[2] + tr[1] ** 2),
        ("AX", "AAX"): factor * tr[3],
    }
    for (P, Q), value in expected.items():
        poly = covariance_in_moments(P, Q, [("A",), ("X",)], group, random=[1])
        assert same(poly_to_sympy(poly).subs(semicircle_substitution(poly)), value), (P, Q)


@pytest.mark.slow
@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_gaussian_family_with_a_deterministic_one(group):
    """A random family: X a GUE (GOE), free of second order from a fixed A; semicircle cumulants, k2 = 0.

    GOE corrections are O(1/N): e.g. tr(A^4) / (tr(A^2)^2 N), about 3/N here, for Var Tr(AXAX) (see above).
    """
    N, n, rng = 100, 800, np.random.default_rng(3)
    a = rng.normal(0.4, 1.0, N)
    A = np.diag(a)
    pairs = [("AXAX", "AXAX"), ("AXAX", "AXX"), ("AX", "AAX"), ("AXX", "AXX")]
    words = sorted({w for pair in pairs for w in pair})
    traces = {w: np.empty(n, dtype=complex) for w in words}
    for k in range(n):
        if group == "unitary":
            G = (rng.standard_normal((N, N)) + 1j * rng.standard_normal((N, N))) / np.sqrt(2)
        else:
            G = rng.standard_normal((N, N))
        mats = {"A": A, "X": (G + G.conj().T) / np.sqrt(2 * N)}
        for w in words:
            traces[w][k] = np.trace(np.linalg.multi_dot([mats[x] for x in w]))
    families = [("A",), ("X",)]
    for P, Q in pairs:
        poly = covariance(P, Q, families, group, random=[1])
        known = {}
        for mono in poly:
            for atom in mono:
                kind, body = atom
                if kind == "k2" or (kind == "k" and body[0] == ("X",)):
                    known[atom] = 1.0 if kind == "k" and len(body) == 2 else 0.0
        limit = evaluate(poly, {"A": A}, known)
        estimate, se = covariance_and_se(traces[P], traces[Q])
        assert abs(estimate - limit) < 4 * se + (5 * abs(limit) / N if group == "orthogonal" else 0), (P, Q)
