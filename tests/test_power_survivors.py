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
