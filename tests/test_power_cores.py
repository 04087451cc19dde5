"""Tests with power for the newer cores (project issue 27, item 2): each term checked on its own against an
independent route, on data where a small change of the term is several standard errors (or exactly) visible.

* :mod:`freecalc.free.fluctuations`: the covariance of two different linear combinations of traces against
  bilinearity computed from the single-word covariances (so a coefficient ``a * b`` differs from ``a * a``).
* :mod:`freecalc.numeric.weingarten_sum`: the float Weingarten sum against the symbolic expansion
  (:func:`freecalc.haar.traces.finite_size_poly`) on non-symmetric letters, unitary group, non-palindromic
  words with three or more rotated runs (where ``tau gamma`` and ``tau^-1 gamma`` differ).
* :mod:`freecalc.haar.averages`: orthogonal averages of non-palindromic words against a seeded Monte Carlo
  over Haar orthogonal matrices; the symbolic-N evaluation against the integer-N one (the ``N^low`` shift).
* :mod:`freecalc.numeric.fluctuations`: the exact spread of a complex trace (unitary group, non-palindromic
  word) against the spread of 100,000 rotations, and the second-order limit against the exact spread at
  size 30.
* :mod:`freecalc.numeric.montecarlo`: the tolerance ``check`` states against the normal quantile times a
  Monte Carlo spread over sqrt(n) (plus the free limit's allowance, Hoelder's scale computed by hand), and
  its verdicts on claimed values 0.9 and 1.1 tolerances away.
* :mod:`freecalc.quadratic.reduced_draws`: the means of the draws' traces against the network's exact
  expectations by Isserlis' theorem (:func:`freecalc.gaussian.wick.wick_expectation`), for an exact
  reduction and for data whose cross part or tail carries most of a trace.
* :mod:`freecalc.quadratic.finite_width`: the standard error of the sd against the spread of the sd over
  seeds, and against laws of known kurtosis.
"""

import numpy as np
import pytest
import sympy

from freecalc.free.atoms import atom_key, poly_to_sympy
from freecalc.free.fluctuations import covariance_poly
from freecalc.free.interpret import UNEXPANDED, as_families, interpret
from freecalc.free.words import parse
from freecalc.haar.traces import SIZE, finite_size_poly
from freecalc.numeric.evaluate import MatrixTraces, evaluate_poly
from freecalc.numeric.fluctuations import predicted_spread
from freecalc.numeric.montecarlo import check, default_matrices
from freecalc.numeric.weingarten_sum import exact_trace_average

# --- free/fluctuations.py: bilinearity -------------------------------------------------------------------


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_covariance_of_two_combinations_is_bilinear_in_the_single_word_covariances(group):
    first = {"A R": 2, "A R A R": -1}
    second = {"A R": 3, "A A R R": 5}

    def single(p, q):
        return poly_to_sympy(covariance_poly(p, q, ["A", "R"], group=group))

    expected = sum(a * b * single(p, q) for p, a in first.items() for q, b in second.items())
    combined = poly_to_sympy(covariance_poly("2 tr(A R) - tr(A R A R)", "3 tr(A R) + 5 tr(A A R R)",
                                             ["A", "R"], group=group))
    assert sympy.expand(combined - expected) == 0
    # one word against a scaled word: a * b = 3, a * a = 1
    assert sympy.expand(poly_to_sympy(covariance_poly("tr(A R)", "3 tr(A R A R)", ["A", "R"], group=group))
                        - 3 * single("A R", "A R A R")) == 0


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_covariance_in_moments_is_the_product_of_variances(group):
    """``lim Cov(Tr(A R), Tr(A R)) = kappa_2(A) kappa_2(R)`` for free A, R (one non-crossing annular
    pairing; Mingo & Speicher 2017, ch. 5), written in moments: ``kappa_2(x) = tr(x^2) - tr(x)^2``. The
    orthogonal group adds the reversed pairing, which for the two-letter words is the same one (twice)."""
    from freecalc.free.atoms import Trace

    a2, a1, r2, r1 = Trace(("A", "A")), Trace(("A",)), Trace(("R", "R")), Trace(("R",))
    expected = (1 if group == "unitary" else 2) * (a2 - a1**2) * (r2 - r1**2)
    moments = poly_to_sympy(covariance_poly("A R", "A R", ["A", "R"], group=group))
    assert sympy.expand(moments - expected) == 0


def test_covariance_refuses_past_its_limit_and_bad_random_families():
    from freecalc.errors import ParameterError, WorkLimitError
    from freecalc.free.fluctuations import covariance_steps

    steps = covariance_steps("A R A R", "A R", ["A", "R"])
    assert covariance_poly("A R A R", "A R", ["A", "R"], max_steps=steps)  # at the limit: computed
    with pytest.raises(WorkLimitError, match="through steps"):
        covariance_poly("A R A R", "A R", ["A", "R"], max_steps=steps - 1)
    for good in ([0], [1], [0, 1]):  # either family may fluctuate on its own (second-order cumulant atoms)
        assert covariance_poly("A R", "A R", ["A", "R"], random=good)
    for bad in ([2], [5], [-1]):
        with pytest.raises(ParameterError, match="indices below 2"):  # refused before any work
            covariance_poly("A R", "A R", ["A", "R"], random=bad)


@pytest.mark.parametrize("expression", ["A R + tr(A R)", "tr(A) R A"])
def test_a_matrix_beside_traces_is_not_read_as_its_trace(expression):
    """Only a bare word stands for its trace; an expression that already holds a trace is taken as written,
    so a matrix term beside it is an error, not silently traced."""
    from freecalc.errors import FreecalcError
    from freecalc.free.fluctuations import linear_traces
    from freecalc.free.words import Families

    with pytest.raises(FreecalcError, match="not a scalar"):
        linear_traces(expression, Families.of("A", "R"))


# --- numeric/weingarten_sum.py: unitary, non-symmetric letters --------------------------------------------


def general_matrices(letters, size, seed):
    """Real non-symmetric matrices with non-zero traces (so every word has its own value)."""
    rng = np.random.default_rng(seed)
    return {x: rng.standard_normal((size, size)) + (0.5 + 0.3 * j) * np.eye(size)
            for j, x in enumerate(sorted(letters))}


def float_and_symbolic(expression, families, group, size, matrices, symmetric):
    fams = as_families(families)
    traces = MatrixTraces(matrices, symmetric=symmetric)
    symbolic = evaluate_poly(finite_size_poly(expression, fams, size=size, group=group), traces.value)
    value = 0.0
    for monomial, coefficient in interpret(parse(expression), fams, UNEXPANDED)[()].items():
        words = [atom_key(i)[1] for i in monomial]
        value += float(coefficient) * exact_trace_average(words, fams, group, size, traces.word_value)
    return value, symbolic


ORIENTED = [
    ("tr(A R B R C R)", ["A,B,C", "R"]),
    ("tr(A R B S C R D S)", ["A,B,C,D", "R,S"]),
    ("tr(A R S B R C S R)", ["A,B,C", "R,S"]),
    ("tr(A R B R C R) tr(B R)", ["A,B,C", "R"]),
]


@pytest.mark.parametrize("size", [2, 3, 4])
@pytest.mark.parametrize("expression, families", ORIENTED)
def test_unitary_weingarten_sum_on_non_symmetric_letters(expression, families, size):
    letters = {x for f in families for x in f.split(",")}
    value, symbolic = float_and_symbolic(expression, families, "unitary", size,
                                         general_matrices(letters, size, seed=size), symmetric=False)
    assert value == pytest.approx(symbolic, rel=1e-9, abs=1e-9)


def test_oriented_words_tell_the_orientation_apart():
    """The data have power: reversing every word changes the value (so a reversed cycle would be seen)."""
    matrices = general_matrices("ABCR", 3, seed=3)
    forward, _ = float_and_symbolic("tr(A R B R C R)", ["A,B,C", "R"], "unitary", 3, matrices, False)
    backward, _ = float_and_symbolic("tr(R C R B R A)", ["A,B,C", "R"], "unitary", 3, matrices, False)
    assert abs(forward - backward) > 0.05 * abs(forward)


# --- haar/averages.py: orthogonal orientation and the N^low shift -----------------------------------------


def symmetric_matrices(shifts, size, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for x, shift in shifts.items():
        g = rng.standard_normal((size, size))
        out[x] = (g + g.T) / 2 + shift * np.eye(size)
    return out


def haar_orthogonal_batch(rng, count, size):
    """Haar orthogonal matrices by QR of Gaussian matrices with the signs of R's diagonal (Mezzadri 2007)."""
    q, r = np.linalg.qr(rng.standard_normal((count, size, size)))
    return q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]


@pytest.mark.parametrize("word", ["A R S B S R C R", "A R B S C R S"])
def test_orthogonal_average_of_a_non_palindromic_word_against_monte_carlo(word):
    size, shifts = 5, {"A": 1.0, "B": 1.5, "C": 0.7, "R": 1.2, "S": 0.8}
    m = symmetric_matrices(shifts, size, seed=3)
    exact = evaluate_poly(finite_size_poly(f"tr({word})", ["A,B,C", "R,S"], size=size, group="orthogonal"),
                          MatrixTraces(m, symmetric=True).value)
    rng = np.random.default_rng(11)
    samples = []
    for _ in range(4):
        o = haar_orthogonal_batch(rng, 10_000, size)
        rotated = {x: o @ m[x] @ o.transpose(0, 2, 1) for x in "RS"}
        product = np.broadcast_to(np.eye(size), (10_000, size, size))
        for x in word.split():
            product = product @ (rotated[x] if x in rotated else m[x])
        samples.append(np.trace(product, axis1=1, axis2=2) / size)
    samples = np.concatenate(samples)
    stderr = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - exact) < 4 * stderr


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
@pytest.mark.parametrize("expression", ["tr(A R)^3", "tr(A R) tr(A R A R)", "tr(A R B R) tr(A) tr(R)"])
def test_symbolic_size_set_to_an_integer_is_the_integer_size_average(expression, group):
    families = ["A,B", "R"]
    symbolic = poly_to_sympy(finite_size_poly(expression, families, size=SIZE, group=group))
    for n in (3, 5):
        exact = poly_to_sympy(finite_size_poly(expression, families, size=n, group=group))
        assert sympy.simplify(symbolic.subs(SIZE, n) - exact) == 0


# --- numeric/fluctuations.py: the spread of a complex trace (unitary group) -------------------------------
# Under unitary rotations tr(A R B S) of symmetric letters is complex (its conjugate is tr(A S B R)), so the
# spread of its real part needs E[X X*] as well as E[X X]; the data are the check's own default matrices.

SPREAD_EXPRESSION, SPREAD_FAMILIES = "tr(A R B S)", ["A,B", "R", "S"]


def haar_unitary_batch(rng, count, size):
    """Haar unitary matrices by QR of complex Ginibre matrices, phases of R's diagonal removed (Mezzadri)."""
    shape = (count, size, size)
    z = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    d = np.diagonal(r, axis1=1, axis2=2)
    return q * (d / np.abs(d))[:, None, :]


def rotated_trace_samples(m, count, seed, batch=20_000):
    """Re tr(A U R U* B V S V*) over independent Haar unitaries U, V: the quantity ``check`` samples."""
    rng = np.random.default_rng(seed)
    size = m["A"].shape[0]
    out = []
    for _ in range(count // batch):
        u, v = haar_unitary_batch(rng, batch, size), haar_unitary_batch(rng, batch, size)
        r = u @ m["R"] @ u.conj().transpose(0, 2, 1)
        s = v @ m["S"] @ v.conj().transpose(0, 2, 1)
        out.append(np.real(np.trace(m["A"] @ r @ m["B"] @ s, axis1=1, axis2=2)) / size)
    return np.concatenate(out)


def sd_and_its_standard_error(samples):
    """The sample sd and its standard error ``sd sqrt((m4 / sd^4 - 1) / (4 n))`` (delta method)."""
    centered = samples - samples.mean()
    variance = np.mean(centered**2)
    kurtosis = np.mean(centered**4) / variance**2
    sd = np.sqrt(variance)
    return sd, sd * np.sqrt((kurtosis - 1) / (4 * samples.size))


@pytest.fixture(scope="module")
def small_unitary():
    """Matrices at size 4, and 100,000 seeded Monte Carlo samples of the expression over rotations."""
    m = default_matrices(list("ABRS"), 4, seed=5)
    return m, rotated_trace_samples(m, 100_000, seed=21)


def test_exact_spread_of_a_complex_trace_against_monte_carlo(small_unitary):
    m, samples = small_unitary
    sd, method = predicted_spread(parse(SPREAD_EXPRESSION), as_families(SPREAD_FAMILIES), m, "unitary",
                                  MatrixTraces(m), max_steps=10**6)
    observed, stderr = sd_and_its_standard_error(samples)
    assert method == "exact"
    # E[X X] in place of E[X X*] moves this sd by 6.6% (about 20 standard errors)
    assert abs(sd - observed) < 4 * stderr, (sd, observed, stderr)


@pytest.mark.parametrize("expression, group", [
    (SPREAD_EXPRESSION, "unitary"),
    ("tr(A R B R S R)", "unitary"),
    ("tr(A R B S) + 2 tr(A S B R B R)", "unitary"),
    (SPREAD_EXPRESSION, "orthogonal"),
])
def test_second_order_spread_is_the_limit_of_the_exact_spread(expression, group):
    """At size 30 the exact spread (Weingarten sum) and the second-order limit agree to 1e-3 relative (the
    gap is O(1/N^2) in the unitary case); Cov(X, X) in place of Cov(X, X*) moves the limit by 1.6-3.7%."""
    m = default_matrices(list("ABRS"), 30, seed=30)
    node, families, traces = parse(expression), as_families(SPREAD_FAMILIES), MatrixTraces(m)
    exact, method = predicted_spread(node, families, m, group, traces, max_steps=10**6)
    limit, limit_method = predicted_spread(node, families, m, group, traces, max_steps=0)
    assert (method, limit_method) == ("exact", "second-order limit")
    assert limit == pytest.approx(exact, rel=2e-3 if group == "unitary" else 2e-2)


# --- numeric/montecarlo.py: the tolerance the check states, and its verdicts on either side of it ---------
# The reference tolerance is computed here from its definition: the normal quantile z_{1 - alpha/2}
# (statistics.NormalDist) times the spread measured by the 100,000-sample Monte Carlo above (0.3% precise),
# over sqrt(n), plus the allowance: none against the exact value, ``c * scale / d`` against the free limit,
# with Hoelder's scale ``prod ||x||_4`` (normalized Schatten 4-norms from the eigenvalues).

ROTATIONS, ALPHA = 400, 1e-3


def reference_tolerance(sd, allowance=0.0):
    from statistics import NormalDist

    return NormalDist().inv_cdf(1 - ALPHA / 2) * sd / np.sqrt(ROTATIONS) + allowance


def holder_scale_by_hand(m, letters):
    return float(np.prod([np.mean(np.abs(np.linalg.eigvalsh(m[x])) ** 4) ** 0.25 for x in letters]))


def run_check(m, **options):
    return check(SPREAD_EXPRESSION, SPREAD_FAMILIES, m, rotations=ROTATIONS, seed=5, group="unitary",
                 false_alarm=ALPHA, **options)


@pytest.mark.parametrize("reference", ["exact", "free limit"])
def test_check_states_the_calibrated_tolerance_and_keeps_to_it(small_unitary, reference):
    m, samples = small_unitary
    sd, _ = sd_and_its_standard_error(samples)
    if reference == "exact":
        options, allowance = {}, 0.0
    else:  # a small bias constant, so that both parts of the tolerance carry weight
        options = {"exact": False, "bias_constant": 0.05}
        allowance = 0.05 * holder_scale_by_hand(m, "ABRS") / 4
    result = run_check(m, **options)
    expected = reference_tolerance(sd, allowance)
    assert result.reference == reference and result.spread_method == "exact"
    assert result.tolerance == pytest.approx(expected, rel=0.02), (result.tolerance, expected)
    assert result.tolerance == pytest.approx(
        result.quantile * result.predicted_sd / np.sqrt(ROTATIONS) + allowance, rel=1e-6)
    # a claimed closed form (a number here) just inside and just outside the tolerance, on either side
    for offset, agrees in [(0.9, True), (1.1, False), (-0.9, True), (-1.1, False)]:
        claimed = run_check(m, claimed=repr(float(result.observed + offset * expected)), **options)
        assert claimed.reference == "claimed" and claimed.observed == result.observed
        assert claimed.agrees is agrees, (offset, claimed.tolerance, expected)


def test_check_spread_verdict_uses_the_exact_spread_unwidened(small_unitary):
    """The observed spread of 400 rotations against the chi-square interval around the exact spread: the
    interval's ends are those of ``s / sigma`` with 399 degrees of freedom, not widened by 5/d."""
    from freecalc.numeric.verdict import spread_interval

    m, _ = small_unitary
    result = run_check(m)
    low, high = spread_interval(ROTATIONS, false_alarm=ALPHA)
    assert result.spread_agrees is bool(low * result.predicted_sd <= result.observed_sd
                                        <= high * result.predicted_sd)


# --- quadratic/reduced_draws.py: the means of the draws' traces against Isserlis' theorem -----------------
# Each trace the draws produce is a word in W (k x d, N(0, 1/k)), D = diag(a) and fixed matrices, whose exact
# expectation over the network at finite k and d is a Wick sum (freecalc.gaussian.wick, Isserlis 1918).
# Q = C^2 and J = 1 1^T. The reduction's algebra holds for any symmetric C and B, so the data below are
# built to give the cross and tail parts a large share. With a tail, the draws neglect the dependence of the
# tail on the cross part (module notes of reduced_draws); the traces tested there are the ones it leaves
# exact in mean: Tr(A M A M) (a tail meets a cross term only in odd Gaussian moments), v^T A v, and
# v^T A N A v when C 1 lies in V (then v does not involve the complement at all).

WICK_WORDS = {  # name in ReducedDraws.traces: (word, power of d it is divided by)
    "numerator": ("Tr(W' D^2 W Q W' D^2 W B W' D^2 W Q)", 1),
    "nfm_square": ("Tr(W' D^2 W Q W' D^2 W Q)", 1),
    "agop_square": ("Tr(W' D^2 W B W' D^2 W Q W' D^2 W B W' D^2 W Q)", 1),
    "nfm_mean": ("Tr(W' D^2 W C J C)", 2),
    "agop_mean": ("Tr(W' D^2 W B W' D^2 W C J C)", 2),
}
_WICK_FORMS: dict = {}


def network_means(C, B, k, law, names):
    """``E[trace]`` over the network (W, a) for the named traces, from the exact Wick forms."""
    from freecalc.gaussian.atoms import DIM, K
    from freecalc.gaussian.wick import wick_expectation
    from freecalc.quadratic.readout import readout_law

    d = C.shape[0]
    mats = {"Q": C @ C, "B": B, "C": C, "J": np.ones((d, d))}
    out = {}
    for name in names:
        word, power = WICK_WORDS[name]
        if (word, law) not in _WICK_FORMS:
            _WICK_FORMS[word, law] = wick_expectation(word, a_moments=readout_law(law).moment)
        form = _WICK_FORMS[word, law]
        values = {K: k, DIM: d}
        for atom in form.free_symbols:
            if atom.name.startswith("Tr("):
                values[atom] = float(np.trace(np.linalg.multi_dot(
                    [np.eye(d)] + [mats[t.rstrip("'")] for t in atom.name[3:-1].split()] + [np.eye(d)])))
        out[name] = float(form.subs(values)) / d**power
    return out


def draw_traces(C, B, V, *, k, law, draws, exact=False, seed=0):
    from freecalc.quadratic.reduced_draws import reduced_draws

    return reduced_draws(C, B, V, k=k, draws=draws, rng=np.random.default_rng(seed), a_law=law, exact=exact,
                         cross_tolerance=0.0).traces


def z_score(samples, expected):
    return (samples.mean() - expected) / (samples.std(ddof=1) / np.sqrt(samples.size))


def assert_means(traces, expected):
    scores = {name: z_score(traces[name], value) for name, value in expected.items()}
    assert all(abs(z) < 4 for z in scores.values()), scores


@pytest.mark.parametrize("law", ["rademacher", "uniform"])
@pytest.mark.parametrize("subspace", ["all of R^d", "row space of X"])
def test_exact_reduction_draws_have_the_network_means(subspace, law):
    """``r >= rank X``: no cross part and no tail, every trace exact in mean. W1's variance 2% high moves
    the five means by 8 to 16 standard errors (rademacher)."""
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((4, 6)), rng.standard_normal(4)
    C, B = X.T @ (y[:, None] * X), X.T @ X
    V = None if subspace == "all of R^d" else np.linalg.svd(X, full_matrices=False)[2].T
    traces = draw_traces(C, B, V, k=16, law=law, draws=20_000, exact=True)
    assert_means(traces, network_means(C, B, 16, law, list(WICK_WORDS)))


def cross_heavy_data(s=3.0, d=5):
    """V = e1 and C with C e1 = e2, C e2 = e1 + s e3: C^2 e1 = e1 + s e3, so the cross part X_M = s W2 e3
    carries s^2 / (1 + s^2) of C^2 V; C 1 also lies mostly outside V."""
    C = np.zeros((d, d))
    C[0, 1] = C[1, 0] = 1.0
    C[1, 2] = C[2, 1] = s
    C[3, 4] = C[4, 3] = C[3, 3] = 0.5
    B = np.eye(d) + 0.3 * np.ones((d, d))
    return C, B, np.eye(d)[:, :1]


@pytest.mark.parametrize("law", ["rademacher", "gaussian"])
def test_cross_part_of_the_draws_has_the_network_mean(law):
    """Tr(A M A M) and v^T A v with most of C^2 V and of C 1 outside V: the cross terms x1.01 (or their
    Gaussian block's variance +2%) move the first by about 11 standard errors (rademacher)."""
    C, B, V = cross_heavy_data()
    names = ["nfm_square", "nfm_mean"]
    traces = draw_traces(C, B, V, k=64, law=law, draws=20_000)
    assert_means(traces, network_means(C, B, 64, law, names))


def tail_heavy_data(d=6, along=0.05):
    """V = the direction of C 1 (so v = W C 1 lives in V) and B = along e e^T + (I - e e^T): the tail
    ``t_N = tr(P B P) / k`` carries most of ``v^T A N A v``."""
    rng = np.random.default_rng(7)
    g = rng.standard_normal((d, d))
    C = (g + g.T) / 2 + np.eye(d)
    e = C.sum(axis=1) / np.linalg.norm(C.sum(axis=1))
    B = along * np.outer(e, e) + (np.eye(d) - np.outer(e, e))
    return C, B, e[:, None]


def test_tail_mean_of_the_agop_mean_against_the_network():
    """``v^T A N A v`` with C 1 in V: exact in mean. With rademacher readouts A^2 = A, so its tail part
    ``t_N v^T A^2 v`` is ``t_N`` times ``v^T A v``: subtracting ``t_N d^2 nfm_mean`` (t_N computed here from B
    and V) leaves a statistic with the same known mean and a small spread, in which t_N x1.01 is about 20
    standard errors, while dropping the tail term moves agop_mean itself by more than 100."""
    C, B, V = tail_heavy_data()
    k, d = 16, C.shape[0]
    names = ["nfm_square", "nfm_mean", "agop_mean"]
    traces = draw_traces(C, B, V, k=k, law="rademacher", draws=20_000)
    expected = network_means(C, B, k, "rademacher", names)
    assert_means(traces, expected)
    P = np.eye(d) - V @ V.T
    t_N = np.trace(P @ B @ P) / k
    controlled = traces["agop_mean"] - t_N * traces["nfm_mean"]
    assert abs(z_score(controlled, expected["agop_mean"] - t_N * expected["nfm_mean"])) < 4


# --- quadratic/finite_width.py: the standard error of the sd --------------------------------------------


def test_standard_error_of_the_sd_is_the_spread_of_the_sd_over_seeds():
    """150 seeded predictions of 200 draws each: the sd of their sds (with its own delta-method error over
    the 150) against the mean reported ``sd_se``. Gaps measured on three data sets: 0.1 to 0.7 standard
    errors; with 2n in place of 4n (a factor sqrt 2) 5.8 to 8.2."""
    from freecalc.quadratic.finite_width import finite_width_prediction

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((10, 4)), np.sign(rng.standard_normal(10))
    runs = [finite_width_prediction(X, y, k=32, draws=200, seed=s, a_law="rademacher") for s in range(150)]
    sds = np.array([r.sd for r in runs])
    observed, its_error = sd_and_its_standard_error(sds)
    reported = np.mean([r.sd_se for r in runs])
    assert abs(observed - reported) < 4 * its_error, (observed, reported, its_error)


@pytest.mark.parametrize("law, kurtosis", [("normal", 3.0), ("uniform", 1.8)])
def test_standard_error_of_the_sd_follows_the_kurtosis_of_the_draws(monkeypatch, law, kurtosis):
    """Draws replaced by 200,000 samples of a law with known sd (1) and kurtosis: ``sd_se`` must be
    ``sqrt((kurtosis - 1) / (4 n))`` (for the normal law the textbook ``sigma / sqrt(2 n)``) to 1%."""
    from freecalc.quadratic import finite_width
    from freecalc.quadratic.reduced_draws import ReducedDraws

    n = 200_000
    rng = np.random.default_rng(3)
    values = rng.standard_normal(n) if law == "normal" else rng.uniform(-np.sqrt(3), np.sqrt(3), n)
    monkeypatch.setattr(finite_width, "reduced_draws",
                        lambda *args, **kwargs: ReducedDraws(values, {}, 0.0, float("inf")))
    X = np.random.default_rng(0).standard_normal((10, 4))
    result = finite_width.finite_width_prediction(X, np.ones(10), k=4, draws=n)
    assert result.sd == pytest.approx(1.0, rel=0.01)
    assert result.sd_se == pytest.approx(np.sqrt((kurtosis - 1) / (4 * n)), rel=0.01)


def test_exact_reduction_has_the_law_of_whole_sampled_networks():
    """rank X = 4 <= max_rank < d: the reduction is exact (V = the row space of X) and the predicted mean
    and sd of the C-NFC match 4,000 whole sampled networks (k x d matrices W) within 4 standard errors."""
    from freecalc.quadratic.finite_width import finite_width_prediction, observe_networks

    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((4, 10)), rng.standard_normal(4)
    predicted = finite_width_prediction(X, y, k=8, draws=20_000, max_rank=4, seed=1)
    observed = observe_networks(X, y, k=8, networks=4_000, seed=2)
    assert predicted.exact and predicted.rank == 4
    assert abs(predicted.mean - observed.mean) < 4 * np.hypot(predicted.mean_se, observed.se)
    sd_se = np.hypot(predicted.sd_se, predicted.sd_se * np.sqrt(predicted.draws / observed.networks))
    assert abs(predicted.sd - observed.sd) < 4 * sd_se


@pytest.mark.parametrize("known_spread", [True, False])
@pytest.mark.parametrize("allowance", [0.0, 0.25, 3.0])
def test_stated_power_counts_the_allowance(known_spread, allowance):
    """The power a check states against an error of one sd is the flagging rate of simulated checks with
    that error, whatever the bias allowance (a tolerance widened by it must not state the power of the
    spread alone). 20,000 simulated checks of 10 normal samples, sd 1: within 4 binomial standard errors."""
    from freecalc.numeric.verdict import mean_tolerance

    rng = np.random.default_rng(7)
    n, checks = 10, 20_000
    samples = rng.standard_normal((checks, n)) + 1.0  # the mean is off the target by one sd
    means, sds = samples.mean(axis=1), samples.std(axis=1, ddof=1)
    if known_spread:
        limits = mean_tolerance(n, 1.0, 1.0, allowance=allowance)
        flagged = np.abs(means) > limits.tolerance
    else:  # each check's tolerance from its own observed sd, the power stated at the true sd
        limits = mean_tolerance(n, 1.0, allowance=allowance)
        flagged = np.abs(means) > limits.quantile * sds / np.sqrt(n) + allowance
    rate = flagged.mean()
    assert abs(rate - limits.power) <= 4 * np.sqrt(limits.power * (1 - limits.power) / checks) + 1e-3, (
        rate, limits.power)
