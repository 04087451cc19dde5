"""The finite-size and second-order derivation pages: findings compute what they claim, and checks have power.

Published values are typed here again, independently of ``freecalc/derive``:

* unitary Weingarten, Collins & Sniady, Comm. Math. Phys. 264 (2006) 773-795;
* orthogonal Weingarten, Collins & Matsumoto, J. Math. Phys. 50 (2009) 113516;
* GUE and complex Wishart fluctuations, Mingo & Nica, IMRN 2004 no. 28 (|NC_2(p, q)|, |S_NC(p, q)|).
"""

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
import sympy

from freecalc.derive import finite_size as fs
from freecalc.derive import fluctuations as fl
from freecalc.derive import markdown
from freecalc.derive.catalogue import PAGES
from freecalc.haar.traces import SIZE, finite_size_poly
from freecalc.haar.weingarten import orthogonal_weingarten_table, unitary_weingarten_table
from freecalc.numeric.evaluate import MatrixTraces, evaluate_poly
from freecalc.numeric.montecarlo import check
from freecalc.testing import spread_matrices

REPO = Path(__file__).resolve().parents[1]
N = SIZE
TABLES = {"unitary": unitary_weingarten_table, "orthogonal": orthogonal_weingarten_table}

COLLINS_SNIADY_2006 = {  # unitary Wg(mu, N), mu the cycle type
    (1, 1): 1 / (N**2 - 1),
    (2,): -1 / (N * (N**2 - 1)),
    (1, 1, 1): (N**2 - 2) / (N * (N**2 - 1) * (N**2 - 4)),
    (2, 1): -1 / ((N**2 - 1) * (N**2 - 4)),
    (3,): 2 / (N * (N**2 - 1) * (N**2 - 4)),
}
COLLINS_MATSUMOTO_2009 = {  # orthogonal Wg^O(mu, N), mu the coset type
    (1,): 1 / N,
    (1, 1): (N + 1) / (N * (N - 1) * (N + 2)),
    (2,): -1 / (N * (N - 1) * (N + 2)),
}
MINGO_NICA_2004 = {("gue", 1, 1): 1, ("gue", 2, 2): 2, ("gue", 4, 4): 36,
                   ("wishart", 1, 1): 1, ("wishart", 1, 2): 4, ("wishart", 2, 2): 18}


def equal(a, b):
    return sympy.cancel(a - b) == 0


# --- Weingarten tables ------------------------------------------------------------------------------------


def test_published_values_of_the_page_are_the_papers():
    for mu, value in COLLINS_SNIADY_2006.items():
        assert equal(fs.PUBLISHED["unitary", mu], value)
    for mu, value in COLLINS_MATSUMOTO_2009.items():
        assert equal(fs.PUBLISHED["orthogonal", mu], value)
    page = (REPO / "derivations" / "finite-size.md").read_text(encoding="utf-8")
    for value in (*COLLINS_SNIADY_2006.values(), *COLLINS_MATSUMOTO_2009.values()):
        assert f"${sympy.latex(value)}$" in page


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_engine_tables_pass_and_every_entry_is_tested(group, n):
    table = TABLES[group](n, N)
    assert fs.weingarten_check(group, n, table).agrees
    for mu in table:  # every single perturbed entry breaks the orthogonality relation
        bad = {**table, mu: table[mu] * (1 + 1 / N**7)}
        verdict = fs.weingarten_check(group, n, bad)
        assert not verdict.orthogonality and not verdict.agrees
        if (group, mu) in fs.PUBLISHED:
            assert not dict((m, ok) for m, _, ok in verdict.published)[mu]


def test_swapped_entries_and_wrong_published_values_are_caught():
    table = unitary_weingarten_table(4, N)
    swapped = {**table, (2, 2): table[(3, 1)], (3, 1): table[(2, 2)]}
    assert any(d != 0 for d in fs.orthogonality_defects("unitary", 4, swapped).values())
    # a table that satisfies the relation at another N is caught by the published values and the relation
    other = unitary_weingarten_table(3, N + 1)
    assert not fs.weingarten_check("unitary", 3, other).agrees
    assert all(d == 0 for d in fs.orthogonality_defects("orthogonal", 3, orthogonal_weingarten_table(3, N))
               .values())


# --- the paper's words at finite N ------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_symbolic_form_at_n_equals_the_integer_computation(group):
    """The page evaluates the symbolic form at N = 4; it must equal the engine's integer-N path there."""
    families = ("A,B", "R")
    mats = spread_matrices(["A", "B", "R"], 4, seed=1)
    traces = MatrixTraces(mats, symmetric=True)
    for word in ("tr(A R A R)", "tr(A R A R B R)"):
        symbolic = finite_size_poly(word, families, "centered", size=SIZE, group=group)
        integer = finite_size_poly(word, families, "centered", size=4, group=group)
        assert evaluate_poly(fs.exact_at(symbolic, 4), traces.value) == pytest.approx(
            evaluate_poly(integer, traces.value), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("group", ["unitary", "orthogonal"])
def test_batched_haar_sampler_matches_the_exact_average(group):
    rng = np.random.default_rng(0)
    o = fs._haar_batch(group, 5, 3, rng)
    assert np.allclose(o @ np.conj(np.swapaxes(o, 1, 2)), np.eye(5))
    mats = spread_matrices(["A", "B", "R"], 5, seed=3)
    mean, se = fs._monte_carlo({"w": ("A", "A", "B")}, mats, group, 5, 6000)["w"]
    exact = check("tr(A R A R B R)", ("A,B", "R"), mats, rotations=2, group=group).exact
    assert abs(mean - exact) < 4 * se


@pytest.fixture(scope="module")
def small_finding():
    return fs.finite_size_finding(sizes=(4,), rotations={4: 3000})


def test_finite_size_finding_states_its_checks(small_finding):
    f = small_finding
    assert len(f.tables) == 8 and all(t.agrees for t in f.tables)
    assert all(form.limit_is_free for form in f.forms) and len(f.forms) == 6
    assert f.verdict == f"new; {sum(f.checks)}/{len(f.checks)} checks pass"
    row = f.rows[0]
    assert row.z == pytest.approx((row.mean - row.exact) / row.stderr)
    assert row.gap_in_se == pytest.approx((row.exact - row.free) / row.stderr)
    moved = dataclasses.replace(row, mean=row.exact + 5 * row.stderr)  # a 5-sigma miss fails the page
    broken = dataclasses.replace(f, rows=(moved, *f.rows[1:]))
    assert sum(broken.checks) == len(broken.checks) - 1
    assert "DISAGREES" in markdown.finite_size_page(dataclasses.replace(
        f, tables=(dataclasses.replace(f.tables[0], orthogonality=False), *f.tables[1:])))
    page = markdown.finite_size_page(f)
    assert f"**Verdict: {f.verdict}.**" in page and "**NO**" not in page


# --- second order -----------------------------------------------------------------------------------------


def test_alpha_table_checks_and_their_power():
    table = fl.alpha_table()
    assert fl.PUBLISHED_ALPHA == MINGO_NICA_2004
    assert all(fl.alpha_checks(table).values())
    for p in range(1, 5):  # the GOE column is twice the GUE column
        for q in range(1, 5):
            assert table["goe", p, q] == 2 * table["gue", p, q]
    for key, check_name in [(("goe", 2, 4), "goe_is_twice_gue"), (("wishart", 3, 3), "wishart_is_snc"),
                            (("gue", 3, 3), "gue_is_nc2"), (("gue", 4, 4), "published")]:
        bad = fl.alpha_checks({**table, key: table[key] + 1})
        assert not bad[check_name], key


def test_covariance_se_and_atom_latex():
    x = np.array([1.0, -1.0, 1.0, -1.0])
    value, se = fl.covariance_se(x, x)
    assert value == 1.0 and se == 0.0
    assert fl.atom_latex("tr(AABAB)") == r"\operatorname{tr}(A^{2} B A B)"
    assert fl.atom_latex("k(R,R,R)") == r"\kappa_{3}(R)"
    assert fl.atom_latex("k(A,B)") == r"\kappa(A, B)"
    assert fl.atom_latex("k(A)") == r"\operatorname{tr}(A)"


def test_gaussian_power_traces_have_the_documented_normalisation():
    traces = fl._power_traces("gue", 60, 400, np.random.default_rng(1))
    assert np.mean(traces[:, 1]) / 60 == pytest.approx(1.0, abs=0.02)  # tr X^2 -> kappa_2 = 1
    assert np.mean(traces[:, 3]) / 60 == pytest.approx(2.0, abs=0.05)  # tr X^4 -> Catalan 2
    wishart = fl._power_traces("wishart", 60, 200, np.random.default_rng(2))
    assert np.mean(wishart[:, 1]) / 60 == pytest.approx(2.0, abs=0.05)  # free Poisson c = 1: tr X^2 -> 2


def _synthetic_second_order(observed_exact_offset=0.0, twice=True):
    row = fl.AlphaRow("gue", 2, 2, 2, 2, 2, 2.1, 0.1, 0.0)
    word = fl.WordVariance("eq-20", "tr(A R A R)", "unitary", "x", "y", 1, 2, 10.0,
                           10.0 + observed_exact_offset, 1.0, 10.0, 576)
    no_exact = dataclasses.replace(word, group="orthogonal", exact=None, steps=10**8, observed=10.2)
    return fl.SecondOrderFinding((row,), {"published": True}, (word, no_exact), (("eq-20", twice, True),))


def test_second_order_verdicts_are_computed():
    good = _synthetic_second_order()
    assert good.verdict == "new; 5/5 checks pass"
    assert _synthetic_second_order(observed_exact_offset=4.5).verdict == "new; 4/5 checks pass"
    assert _synthetic_second_order(twice=False).verdict == "new; 4/5 checks pass"
    w = good.words[1]  # no exact value: the limit with the 1/N allowance decides
    assert w.agrees and not dataclasses.replace(w, observed=10 + 4 * w.stderr + 0.5).agrees
    page = markdown.second_order_page(dataclasses.replace(
        good, alphas=(*good.alphas, fl.AlphaRow("goe", 2, 2, 4, None, 4, 4.0, 0.2, 0.2)),
        checks={"published": True, "gue_is_nc2": True, "goe_is_twice_gue": False, "wishart_is_snc": True}))
    assert "GOE = 2 × GUE: **NO**" in page and "100,000,000 pairs" in page


def test_committed_pages_are_indexed_with_their_computed_verdicts():
    index = (REPO / "derivations" / "README.md").read_text(encoding="utf-8")
    slugs = [p.slug for p in PAGES]
    assert "finite-size" in slugs and "second-order" in slugs
    for slug in ("finite-size", "second-order"):
        match = re.search(rf"\]\({slug}\.md\) \| `[^`]*` \| new; (\d+)/(\d+) checks pass \|", index)
        assert match and match.group(1) == match.group(2), slug
        page = (REPO / "derivations" / f"{slug}.md").read_text(encoding="utf-8")
        assert f"**Verdict: new; {match.group(1)}/{match.group(2)} checks pass.**" in page


def test_finite_width_verdict_is_computed_from_its_checks():
    from dataclasses import replace

    from freecalc.derive.finite_width import AccuracyRow, FiniteWidthFinding

    good = AccuracyRow("d", 0.90, 0.001, 0.02, 0.88, 0.901, 0.0005, 0.021, 0.1, True, 0.9009, 0.9012)
    finding = FiniteWidthFinding({"Tr(G²) = Tr(AMAM)": 1e-16}, 1e-16, 100.0, 100.2, 0.1, (good,), {})
    assert finding.verdict == "checked" and good.finite_gap == pytest.approx(0.001 / np.hypot(0.001, 0.0005))
    off = replace(good, finite=0.905)  # 4.5 combined standard errors
    assert replace(finding, rows=(good, off)).verdict == "fails: accuracy"
    assert replace(finding, rows=(replace(good, finite_sd=0.03),)).verdict == "fails: accuracy"  # sd x 1.5
    assert good.cross_shift == pytest.approx(0.1) and good.no_cross_shift == pytest.approx(0.3)
    assert replace(finding, rows=(replace(good, all_cross=0.9),)).verdict == "fails: accuracy"  # 1 se
    assert replace(finding, tail_mean=100.5).verdict == "fails: tail"
    assert replace(finding, split_error=1e-6).verdict == "fails: steps"
