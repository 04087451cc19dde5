"""Tests for the mutants that survived the sampled cosmic-ray run of issue 27 (benchmarks/mutation_report.md).

Each test checks a behaviour against its definition or a count made by hand, not against the output of the
code under test: the notebook table of a result, the refusals' messages (the numbers they quote are counted
here), and the other terms the run found unguarded.
"""

import pytest

from freecalc.errors import ParameterError, WorkLimitError

# --- numeric/display.py: the HTML table of a result's scalar fields ----------------------------------------


def test_html_table_lists_the_scalar_fields_escaped_and_leaves_out_the_others():
    from freecalc.numeric.display import Displayed

    class Shown(Displayed):
        def to_dict(self):
            return {"name": "<a&b>", "count": 3, "value": 0.12345678901234, "agrees": True, "note": None,
                    "families": [["A"], ["R"]], "laws": {"X": "gue"}}

    row = "<tr><th style='text-align:left'>{}</th><td>{}</td></tr>"
    expected = "<table>" + "".join(row.format(k, v) for k, v in [
        ("name", "&lt;a&amp;b&gt;"), ("count", "3"), ("value", "0.123456789"), ("agrees", "True"),
        ("note", "None")]) + "</table>"
    assert Shown()._repr_html_() == expected


def test_html_table_of_a_covariance_has_one_row_per_scalar_entry():
    import numpy as np

    from freecalc.numeric.fluctuations import covariance

    rng = np.random.default_rng(0)
    m = {x: (lambda g: (g + g.T) / 2)(rng.standard_normal((4, 4))) for x in "AR"}
    result = covariance("A R", "A R", ["A", "R"], matrices=m)
    html = result._repr_html_()
    scalars = [k for k, v in result.to_dict().items() if isinstance(v, str | int | float) or v is None]
    assert html.count("<tr>") == len(scalars) and "families" not in html and "laws" not in html
    assert f"<th style='text-align:left'>value</th><td>{result.value:.10g}</td>" in html


# --- refusals: the numbers a message quotes, counted by hand ------------------------------------------------


@pytest.mark.parametrize("group, pairs", [("unitary", 4), ("orthogonal", 9)])
def test_finite_size_refusal_names_the_traces_and_the_weingarten_pairs(group, pairs):
    """``tr(A R B R)`` with R rotated has two runs of R: ``(2!)^2 = 4`` pairs of permutations (unitary) or
    ``(3!!)^2 = 9`` pairs of pairings of four points (orthogonal)."""
    from freecalc.haar.traces import finite_size_poly

    assert finite_size_poly("tr(A R B R)", ["A,B", "R"], size=5, group=group, max_steps=pairs)
    with pytest.raises(WorkLimitError, match=rf"^the {group} Weingarten sum of tr\(A R B R\) has {pairs} "
                                             rf"pairs, over the limit of {pairs - 1};"):
        finite_size_poly("tr(A R B R)", ["A,B", "R"], size=5, group=group, max_steps=pairs - 1)


def test_annular_permutations_refuse_a_wrong_number_of_colours():
    from freecalc.combinatorics.annular import iter_annular_nc_permutations

    with pytest.raises(ParameterError, match=r"^need 5 colours, got 4$"):  # p + q = 2 + 3 points
        next(iter_annular_nc_permutations(2, 3, colors=[0, 1, 0, 1]))


# --- free/second_order.py: second-order cumulant atoms through the change to moments -----------------------


def _moments_by_hand(expr):
    """First-order cumulants of one-letter arguments replaced by moments, by the moment-cumulant formula
    written out (Nica & Speicher 2006, Lecture 11: kappa_2 = m_2 - m_1^2, kappa_3 = m_3 - 3 m_1 m_2 + 2 m_1^3,
    kappa_4 = m_4 - 4 m_1 m_3 - 2 m_2^2 + 10 m_1^2 m_2 - 5 m_1^4; semicircle: 2 - 2 = 0, free Poisson of rate
    1: 14 - 20 - 8 + 20 - 5 = 1); second-order cumulant atoms kept as they are."""
    from freecalc.free.atoms import CumulantAtom, Trace

    out = {}
    for atom in expr.free_symbols:
        if isinstance(atom, CumulantAtom):
            args = atom.arguments
            assert all(a == args[0] and len(a) == 1 for a in args), atom
            x, n = args[0][0], len(args)
            m = {p: Trace((x,) * p) for p in (1, 2, 3, 4)}
            out[atom] = {2: m[2] - m[1]**2, 3: m[3] - 3 * m[1] * m[2] + 2 * m[1]**3,
                         4: m[4] - 4 * m[1] * m[3] - 2 * m[2]**2 + 10 * m[1]**2 * m[2] - 5 * m[1]**4}[n]
    return expr.subs(out)


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
@pytest.mark.parametrize("first, second, random", [("A R A R", "A R", [0]), ("A R A R", "A A R", [0, 1]),
                                                   ("A A R", "R A R", [1])])
def test_second_order_cumulants_of_a_random_family_survive_the_change_to_moments(first, second, random,
                                                                                 group):
    """The moments basis keeps every ``k(A | ...)`` atom once: the cumulant basis with its first-order
    cumulants written in moments by hand gives the same polynomial, second-order atoms included."""
    import sympy

    from freecalc.free.atoms import SecondOrderCumulantAtom, poly_to_sympy
    from freecalc.free.fluctuations import covariance_poly

    moments = poly_to_sympy(covariance_poly(first, second, ["A", "R"], group=group, random=random))
    cumulants = poly_to_sympy(covariance_poly(first, second, ["A", "R"], group=group, random=random,
                                              basis="cumulants"))
    assert any(isinstance(s, SecondOrderCumulantAtom) for s in cumulants.free_symbols)
    assert sympy.expand(moments - _moments_by_hand(cumulants)) == 0


@pytest.mark.parametrize("first, second", [("A R C R B R", "A R"), ("A R C R B R", "B R A R C R"),
                                           ("A C R B R", "C A R B R")])
def test_unitary_covariance_in_moments_keeps_a_word_apart_from_its_reversal(first, second):
    """Under unitary rotations ``tr(A C B)`` and ``tr(A B C)`` differ for non-symmetric letters: the closed
    form in moments, valued on such matrices, against the transfer recursion of
    :mod:`freecalc.numeric.second_order_limit` (a second algorithm, which never forms the closed form)."""
    import numpy as np

    from freecalc.free.fluctuations import covariance_poly
    from freecalc.free.words import Families
    from freecalc.numeric.evaluate import MatrixTraces, evaluate_poly
    from freecalc.numeric.second_order_limit import FreeMoments, covariance_limit

    rng = np.random.default_rng(11)
    m = {x: rng.standard_normal((6, 6)) + (0.4 + 0.3 * j) * np.eye(6) for j, x in enumerate("ABCR")}
    traces = MatrixTraces(m)
    assert abs(traces.word_value(("A", "C", "B")) - traces.word_value(("A", "B", "C"))) > 0.05
    families = Families.of("A,B,C", "R")
    closed = evaluate_poly(covariance_poly(first, second, ["A,B,C", "R"]), traces.value)
    recursion = covariance_limit(tuple(first.split()), tuple(second.split()), FreeMoments(traces,
                                                                                           families.index))
    assert abs(recursion) > 0.05
    assert closed == pytest.approx(recursion, rel=1e-9, abs=1e-12)


# --- numeric/evaluate.py and numeric/fluctuations.py ------------------------------------------------------


def test_centered_letters_have_trace_zero_and_the_variance_as_square():
    """``x - tr(x) I``: ``tr`` of it is 0, of its square ``tr(x^2) - tr(x)^2``, and a product of two centered
    letters is formed from the matrices by hand."""
    import numpy as np

    from freecalc.free.letters import MACRON
    from freecalc.numeric.evaluate import MatrixTraces

    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((5, 5)) + 2 * np.eye(5), rng.standard_normal((5, 5)) - np.eye(5)
    traces = MatrixTraces({"A": a, "B": b})
    ta, tb = np.trace(a) / 5, np.trace(b) / 5
    assert traces.word_value(("A" + MACRON,)) == pytest.approx(0, abs=1e-12)
    assert traces.word_value(("A" + MACRON,) * 2) == pytest.approx(np.trace(a @ a) / 5 - ta**2, rel=1e-12)
    by_hand = np.trace((a - ta * np.eye(5)) @ (b - tb * np.eye(5)) @ a) / 5
    assert traces.word_value(("A" + MACRON, "B" + MACRON, "A")) == pytest.approx(by_hand, rel=1e-12)


def test_precise_evaluation_keeps_what_float64_cancels():
    """``tr(A)^2 - tr(A^2)`` at ``tr(A) = 2^27 + 1``, ``tr(A^2) = 2^54 + 2^28``: exactly 1, while the float64
    square (55 bits) rounds it away."""
    from freecalc.free.atoms import Trace, atom_key
    from freecalc.numeric.evaluate import evaluate

    values = {("A",): 2.0**27 + 1, ("A", "A"): 2.0**54 + 2.0**28, ("R",): 0.5}

    def value(ident):
        return values[atom_key(ident)[1]]

    a1, a2, r1 = Trace(("A",)), Trace(("A", "A")), Trace(("R",))
    assert evaluate(a1**2 - a2, value, precise=True) == 1.0
    assert evaluate(3 * a1 * r1 - a2 / 2, value, precise=True) == 3 * (2**27 + 1) * 0.5 - (2**54 + 2**28) / 2


def test_empty_matrices_are_refused():
    import numpy as np

    from freecalc.errors import MatrixError
    from freecalc.numeric.evaluate import validate_matrices

    with pytest.raises(MatrixError, match="no non-empty matrices"):
        validate_matrices({"A": np.zeros((0, 0)), "B": np.zeros((0, 0))}, ["A", "B"])
    with pytest.raises(MatrixError, match="no non-empty matrices"):
        validate_matrices({}, [])
    assert validate_matrices({"A": np.eye(1)}, ["A"]) == 1


def test_covariance_value_refuses_second_order_cumulants_no_law_gives():
    """A random family's second-order cumulants have no value on matrices: with matrices but no law for A,
    the value is refused, naming the atom (the matrices value only first-order traces)."""
    import numpy as np

    from freecalc.errors import MatrixError
    from freecalc.free.fluctuations import covariance_poly
    from freecalc.numeric.evaluate import MatrixTraces
    from freecalc.numeric.fluctuations import covariance_value

    poly = covariance_poly("A R A R", "A R", ["A", "R"], random=[0])
    traces = MatrixTraces({"A": np.diag([1.0, 2.0, 3.0]), "R": np.diag([0.5, 1.0, 2.0])})
    with pytest.raises(MatrixError, match=r"no value for \('k2'"):
        covariance_value(poly, traces, {})
    with pytest.raises(MatrixError, match="no value for"):  # no matrices at all: the first atom refused
        covariance_value(poly, None, {})


# --- quadratic/reduced_draws.py: a tail in B alone, no cross part ------------------------------------------


@pytest.mark.parametrize("law", ["rademacher", "gaussian"])
def test_two_tails_around_sampled_factors_have_the_network_means(law):
    """Diagonal C supported on V = span(e1, e2) and diagonal B: no cross part (``P C^2 V = P B V = 0``,
    ``C 1`` in V) and a tail in N alone, so ``Tr(A N A M A N A M)`` takes the two-tail term with a sampled M
    on either side of each tail, in the wrapped segment too; the real Wishart covariance of two tails is
    exact (Isserlis), so all five traces have the network's exact means (Wick forms). The wrapped segment
    left out moves the AGOP square by about 20 standard errors (rademacher)."""
    import numpy as np
    from test_power_cores import WICK_WORDS, assert_means, draw_traces, network_means

    C, B, V = np.diag([1.5, -1.0, 0, 0, 0]), np.diag([0.3, 0.5, 2.0, 1.5, 1.0]), np.eye(5)[:, :2]
    traces = draw_traces(C, B, V, k=12, law=law, draws=20_000)
    assert_means(traces, network_means(C, B, 12, law, list(WICK_WORDS)))


# --- numeric/resources.py: the memory estimate, array by array ----------------------------------------------


def test_memory_estimate_adds_three_float64_squares_past_k_equal_d():
    """Past k = d the observation holds three more float64 d x d matrices (the estimate's docstring): going
    from k = d to k = d + 1 adds them plus the k-sized arrays, counted here from the same list (W in float64,
    ``diag(a) W``, ``Wdot``, ``diag(a) W B`` and three k x k in X's type, K in float64)."""
    from freecalc.numeric.resources import estimated_bytes

    n, d, itemsize = 10, 40, 8

    def k_arrays(k):
        return 8 * k * d + 3 * itemsize * k * d + 3 * itemsize * k * k + 8 * k * k

    step = estimated_bytes(n, d, d + 1) - estimated_bytes(n, d, d)
    assert step == k_arrays(d + 1) - k_arrays(d) + 3 * 8 * d * d


def test_products_are_reused_at_the_fewest_new_ones():
    """``tr(A B C D)`` needs two products (say ``AB`` and ``CD``; the trace of their product forms no third);
    ``tr(A B C D A B)`` then needs exactly one: every split of a rotation has a side of three or more
    letters, and ``(AB)(CD)`` times the known ``AB`` is one. The values against dense products."""
    import numpy as np

    from freecalc.numeric.evaluate import MatrixTraces

    rng = np.random.default_rng(0)
    m = {x: rng.standard_normal((4, 4)) for x in "ABCD"}
    traces = MatrixTraces(m)
    for word, products in [("ABCD", 2), ("ABCDAB", 3)]:
        value = traces.word_value(tuple(word))
        assert value == pytest.approx(np.trace(np.linalg.multi_dot([m[x] for x in word])) / 4, rel=1e-10)
        assert traces.products == products


@pytest.mark.parametrize("word", ["AU", "UA", "AUB", "ABUC", "UAVB", "AUBV"])
def test_rank_one_letters_at_any_position_against_dense_matrices(word):
    """A rank-one letter ``u u^T`` valued by matrix-vector products equals the dense trace, whatever its
    position (the word is turned to end with one)."""
    import numpy as np

    from freecalc.numeric.evaluate import MatrixTraces

    rng = np.random.default_rng(4)
    dense = {x: rng.standard_normal((5, 5)) for x in "ABC"}
    vectors = {x: rng.standard_normal(5) for x in "UV"}
    traces = MatrixTraces(dense, rank_one=vectors)
    full = {**dense, **{x: np.outer(v, v) for x, v in vectors.items()}}
    expected = np.trace(np.linalg.multi_dot([np.eye(5)] + [full[x] for x in word])) / 5
    assert traces.word_value(tuple(word)) == pytest.approx(expected, rel=1e-10)


# --- numeric/montecarlo.py, numeric/fluctuations.py, numeric/resources.py -----------------------------------


def test_sums_of_matrices_inside_traces_on_matrices():
    """The Monte Carlo evaluator: ``tr((A + B) R)`` and ``tr(A - 2 B + 3 + R)`` against numpy by hand (a
    scalar term of a matrix sum is that multiple of the identity)."""
    import numpy as np

    from freecalc.free.words import parse
    from freecalc.numeric.montecarlo import evaluate_expression

    rng = np.random.default_rng(6)
    m = {x: rng.standard_normal((4, 4)) for x in "ABR"}
    a, b, r = m["A"], m["B"], m["R"]
    assert evaluate_expression(parse("tr((A + B) R)"), m) == pytest.approx(np.trace((a + b) @ r) / 4)
    assert evaluate_expression(parse("tr(A - 2 B + 3 + R)"), m) == pytest.approx(
        np.trace(a - 2 * b + 3 * np.eye(4) + r) / 4)
    assert evaluate_expression(parse("tr(A) + tr(B R)"), m) == pytest.approx(np.trace(a) / 4
                                                                              + np.trace(b @ r) / 4)


def test_second_order_spread_is_refused_past_its_step_limit_and_computed_at_it():
    import re

    import numpy as np

    from freecalc.free.interpret import as_families
    from freecalc.free.words import parse
    from freecalc.numeric.evaluate import MatrixTraces
    from freecalc.numeric.fluctuations import predicted_spread

    rng = np.random.default_rng(8)
    m = {x: (lambda g: g + g.T)(rng.standard_normal((6, 6))) for x in "ABR"}
    args = (parse("tr(A R B R)"), as_families(["A,B", "R"]), m, "unitary", MatrixTraces(m), 0)  # no exact
    value, note = predicted_spread(*args, second_order_steps=1)
    assert value is None and "over the limit of 1" in note
    steps = int(re.search(r"needs about ([\d,]+) steps", note).group(1).replace(",", ""))
    assert steps > 1
    assert predicted_spread(*args, second_order_steps=steps - 1)[0] is None
    value, how = predicted_spread(*args, second_order_steps=steps)
    assert how == "second-order limit" and value > 0


def test_memory_refusal_states_the_need_and_the_available_memory_in_gib(monkeypatch):
    from freecalc.numeric import resources

    monkeypatch.setattr(resources, "available_bytes", lambda: 2 * 2**30)  # 2 GiB available
    need = resources.estimated_bytes(100_000, 2_000, 500)
    assert 0.8 * 2 * 2**30 < need < 2 * 2**30  # over 80% of it: 1.7 GiB
    with pytest.raises(ParameterError, match=rf"^n = 100000, d = 2000, k = 500 need about "
                                             rf"{need / 2**30:.1f} GiB, only 2\.0 GiB available; shrink$"):
        resources.check_memory(100_000, 2_000, 500, hint="shrink")
    resources.check_memory(10, 20, 5)  # small sizes pass


# --- numeric/verdict.py: the power of the Student t tolerance -------------------------------------------


@pytest.mark.parametrize("samples, false_alarm", [(5, 0.05), (8, 0.01)])
def test_student_t_power_against_monte_carlo(samples, false_alarm):
    """``P(|T| > t)`` for ``T = (Z + sqrt(n)) / sqrt(V / (n - 1))`` (the mean off by one sd of a sample),
    against 400,000 seeded draws of Z and V (standard error below 0.001)."""
    import numpy as np

    from freecalc.numeric.verdict import mean_tolerance

    tolerance = mean_tolerance(samples, 1.0, false_alarm=false_alarm)
    assert tolerance.method == "Student t"
    rng = np.random.default_rng(12)
    dof = samples - 1
    t = (rng.standard_normal(400_000) + np.sqrt(samples)) / np.sqrt(rng.chisquare(dof, 400_000) / dof)
    flagged = float(np.mean(np.abs(t) > tolerance.quantile))
    assert 0.1 < flagged < 0.9
    assert tolerance.power == pytest.approx(flagged, abs=0.004)


def test_student_t_median_is_zero():
    from freecalc.numeric.verdict import student_t_quantile

    assert student_t_quantile(0.5, 7) == pytest.approx(0, abs=1e-12)  # the law is symmetric


# --- quadratic/finite_width.py: the reduced basis -------------------------------------------------------


def test_reduced_basis_spans_half_of_each_dominant_subspace_and_drops_shared_directions():
    """d > max_rank and n > max_rank: V spans the max_rank - max_rank // 2 dominant eigenvectors of C and the
    max_rank // 2 of B (eigenvectors by numpy, well separated spectra); when C and B share them, the
    repeated directions are dropped (rank 3, not 6)."""
    import numpy as np

    from freecalc.quadratic.finite_width import reduced_basis

    rng = np.random.default_rng(9)
    d, max_rank = 30, 6
    X = rng.standard_normal((40, d))
    q1, q2 = (np.linalg.qr(rng.standard_normal((d, d)))[0] for _ in range(2))
    spectrum = np.array([100.0, 60, 30, 1e-3] + [1e-4] * (d - 4))
    C, B = q1 @ np.diag(spectrum) @ q1.T, q2 @ np.diag(-spectrum) @ q2.T  # |eigenvalue| orders both
    V, exact = reduced_basis(X, C, B, max_rank, rng)
    assert not exact and V.shape == (d, 6)
    assert np.allclose(V.T @ V, np.eye(6), atol=1e-10)
    for top in (q1[:, :3], q2[:, :3]):
        assert np.linalg.norm(top - V @ (V.T @ top)) < 1e-6
    shared = np.diag(np.concatenate([[100.0, 60, 30], np.full(d - 3, 1e-4)]))
    V, _ = reduced_basis(X, shared, shared, max_rank, rng)
    assert V.shape == (d, 3) and np.allclose(V @ V.T, np.diag([1.0] * 3 + [0.0] * (d - 3)), atol=1e-8)


# --- quadratic/reduced_draws.py: batches --------------------------------------------------------------------


def test_draws_come_in_batches_of_at_most_four_million_random_numbers():
    """Each batch of draws holds at most 4,000,000 Gaussian entries of k x q blocks (q <= 3r + 1 columns):
    at k = 2000 and r = 1, 500 draws a batch; 1,200 draws come as 500, 500 and 200."""
    import numpy as np

    from freecalc.quadratic.reduced_draws import reduced_draws

    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 4))
    C, B = X.T @ (rng.standard_normal(3)[:, None] * X), X.T @ X
    V = np.linalg.qr(rng.standard_normal((4, 1)))[0]
    batches = []
    reduced_draws(C, B, V, k=2000, draws=1200, rng=rng, progress=batches.append)
    assert batches == [500, 500, 200]


def test_prepare_evaluates_the_trace_atoms_so_their_values_form_no_new_products():
    import numpy as np

    from freecalc.free.atoms import trace_atom
    from freecalc.numeric.evaluate import MatrixTraces

    rng = np.random.default_rng(5)
    traces = MatrixTraces({x: rng.standard_normal((4, 4)) for x in "ABCD"})
    idents = [trace_atom(tuple(w)) for w in ("AB", "ABCDAB", "ABCD", "CDAB")]
    traces.prepare(idents)
    formed = traces.products
    assert formed > 0  # the words of four and six letters need products
    for ident in idents:
        traces.value(ident)
    assert traces.products == formed


@pytest.mark.parametrize("rate", [0.0, 1.0, -0.1])
def test_check_refuses_a_false_alarm_rate_outside_zero_one(rate):
    from freecalc.numeric.montecarlo import check

    with pytest.raises(ParameterError, match=r"false-alarm rate must be in \(0, 1\)"):
        check("tr(A R)", ["A", "R"], size=3, rotations=10, false_alarm=rate)


def test_word_trace_normalizes_by_the_size_of_the_product():
    """``tr`` of a product of rectangular letters (2 x 3 times 3 x 2, a 2 x 2 product) divides by 2."""
    import numpy as np

    from freecalc.numeric.evaluate import word_trace

    rng = np.random.default_rng(10)
    x, y, z = rng.standard_normal((2, 3)), rng.standard_normal((3, 2)), rng.standard_normal((2, 2))
    assert word_trace({"X": x, "Y": y}, ("X", "Y")) == pytest.approx(np.trace(x @ y) / 2)
    assert word_trace({"X": x, "Y": y, "Z": z}, ("Z", "X", "Y")) == pytest.approx(np.trace(z @ x @ y) / 2)


def test_memory_estimate_of_the_residual_and_of_the_finite_width_arrays():
    """The parts the estimate's docstring lists, counted here: ``residual`` adds the n outputs (float64), a
    block of rows of ``X W^T`` (X's type, squared, in float64) and a second Grams phase; ``finite_width``
    (d over the reduced draws' rank) adds six float64 d x d arrays (C, B, C^2, two of the tail's and a
    temporary) and five float32 ones. Sizes where the phase after the Grams is the larger one, so that the
    additions show in full."""
    from freecalc.numeric.resources import (
        FINITE_WIDTH_RANK,
        GRAM_BLOCK_BYTES,
        OUTPUT_BLOCK_BYTES,
        block_rows,
        estimated_bytes,
    )

    for n, d, k, size in [(50_000, 100, 1_500, 8), (3_000, 64, 2_000, 4)]:
        forming = min(n, block_rows(d, size, GRAM_BLOCK_BYTES)) * d * size + 3 * d * d * size
        rows = min(n, block_rows(d, size, OUTPUT_BLOCK_BYTES))
        residual = 8 * n + rows * k * (2 * size + 8) + forming
        assert (estimated_bytes(n, d, k, itemsize=size, residual=True)
                - estimated_bytes(n, d, k, itemsize=size)) == residual
    d = FINITE_WIDTH_RANK + 2
    assert (estimated_bytes(1000, d, 100, finite_width=True) - estimated_bytes(1000, d, 100)
            == (6 * 8 + 5 * 4) * d * d)
    assert estimated_bytes(1000, d - 2, 100, finite_width=True) == estimated_bytes(1000, d - 2, 100)


@pytest.mark.parametrize("tolerance", [-0.5, -1e-9, float("nan"), True])
def test_finite_width_refuses_a_bad_cross_tolerance_before_anything_else(tolerance):
    """Checked first: with all-zero labels (a data error) or one step allowed (a work limit) the refusal is
    still the tolerance's."""
    import numpy as np

    from freecalc.quadratic.finite_width import finite_width_prediction

    X = np.random.default_rng(0).standard_normal((20, 5))
    for y, steps in [(np.zeros(20), None), (np.ones(20), 1)]:
        with pytest.raises(ParameterError, match="cross tolerance must be a number >= 0"):
            finite_width_prediction(X, y, k=10, draws=20, cross_tolerance=tolerance, max_steps=steps)
