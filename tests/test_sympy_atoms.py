"""Trace and cumulant atoms are sympy-native: every printer, substitution, lambdify, simplification,
series, pickling and srepr round trips (issue 24, item 2)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from freecalc.free.atoms import (
    ATOM_CLASSES,
    Cumulant,
    CumulantAtom,
    SecondOrderCumulant,
    SecondOrderCumulantAtom,
    Trace,
    TraceAtom,
    atom_id,
    key_of_symbol,
    poly_to_sympy,
    sympy_to_poly,
)
from freecalc.free.fluctuations import covariance_poly
from freecalc.haar.traces import SIZE, expand
from freecalc.numeric.evaluate import MatrixTraces, evaluate
from freecalc.testing import spread_matrices

FAMILIES = ["A,B", "R"]


def _forms() -> dict[str, sympy.Expr]:
    """Closed forms with every kind of atom: moments, centered, cumulants, finite size, second order."""
    forms = {basis: expand("tr(A R A R B R)", FAMILIES, basis)
             for basis in ("moments", "centered", "cumulants", "mixed")}
    forms["finite"] = expand("tr(A R A R)", ["A", "R"], "cumulants", size=SIZE)
    forms["second order"] = poly_to_sympy(covariance_poly("X^4", "X^2", ["X"], random=[0], basis="cumulants"))
    return forms


FORMS = _forms()


def _atoms(expr: sympy.Expr) -> list[sympy.Symbol]:
    return sorted((s for s in expr.free_symbols if s != SIZE), key=str)


def test_the_atoms_are_named_apart_from_sympy_printer_methods():
    # sympy's printers have _print_Trace (the trace of a matrix); the classes are named otherwise
    assert (Trace, Cumulant, SecondOrderCumulant) == (TraceAtom, CumulantAtom, SecondOrderCumulantAtom)
    assert set(ATOM_CLASSES) == {"TraceAtom", "CumulantAtom", "SecondOrderCumulantAtom"}


def test_str_is_unchanged():
    assert str(FORMS["moments"]).startswith("-2*tr(A B)*tr(A)*tr(R)**3")
    assert str(FORMS["finite"]) == ("-κ(A, A)*κ(R, R)/((N - 1)*(N + 1)) + κ(A, A)*tr(R)**2 "
                                    "+ κ(R, R)*tr(A)**2 + tr(A)**2*tr(R)**2")
    assert str(TraceAtom(("R", "A\u0304", "A\u0304"))) == "tr(A\u0304^2 R)"
    assert str(SecondOrderCumulantAtom(((("X",), ("X",)), (("X",),)))) == "κ(X | X, X)"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_pretty_prints_with_and_without_unicode(name):
    expr = FORMS[name]
    unicode = sympy.pretty(expr, use_unicode=True, wrap_line=False)
    ascii_ = sympy.pretty(expr, use_unicode=False, wrap_line=False)
    for atom in _atoms(expr):
        assert str(atom) in unicode
    assert "tr(" in ascii_
    assert "κ" not in ascii_ and "\u0304" not in ascii_
    if name in ("cumulants", "finite", "second order"):
        assert "kappa(" in ascii_
    if name == "centered":
        assert "bar(A)" in ascii_


def test_pretty_of_the_issue_example():
    expr = expand("tr(A R A R)", ["A", "R"])
    assert "tr(A^2)" in sympy.pretty(expr)


def test_latex_is_unchanged():
    assert sympy.latex(TraceAtom(("A", "A", "R_0"))) == r"\operatorname{tr}\left(A^{2} R_{0}\right)"
    assert sympy.latex(CumulantAtom((("A",), ("B",)))) == r"\kappa\left(A, B\right)"
    assert sympy.latex(SecondOrderCumulantAtom(((("X",),), (("X",), ("X",))))) == \
        r"\kappa\left(X \,\middle|\, X, X\right)"
    assert sympy.latex(TraceAtom(("A\u0304", "A\u0304"))) == r"\operatorname{tr}\left(\bar{A}^{2}\right)"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_mathml_content_and_presentation(name):
    expr = FORMS[name]
    content = sympy.mathml(expr)
    presentation = sympy.mathml(expr, printer="presentation")
    for atom in _atoms(expr):
        shown = "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in str(atom))
        assert f"<ci>{shown}</ci>" in content
        assert f"<mi>{shown}</mi>" in presentation


def test_init_printing_in_a_fresh_interpreter():
    code = ("import sys, sympy, freecalc\n"
            "sympy.init_printing()\n"
            "e = freecalc.expand('tr(A R A R)', ['A', 'R'], 'cumulants')\n"
            "sympy.pprint(e)\n"
            "sys.displayhook(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONIOENCODING": "utf-8", "PATH": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("κ(A, A)") == 2


@pytest.mark.parametrize("name", sorted(FORMS))
def test_srepr_round_trips(name):
    expr = FORMS[name]
    text = sympy.srepr(expr)
    namespace = {**vars(sympy), **ATOM_CLASSES}
    assert eval(text, namespace) == expr
    assert sympy.sympify(text, locals={**ATOM_CLASSES, "N": SIZE}) == expr


@pytest.mark.parametrize("name", sorted(FORMS))
def test_pickle_round_trips(name):
    expr = FORMS[name]
    assert pickle.loads(pickle.dumps(expr)) == expr


def test_pickle_loads_in_a_fresh_interpreter():
    data = pickle.dumps(FORMS["second order"] + FORMS["centered"])
    code = ("import pickle, sys\n"
            "e = pickle.loads(sys.stdin.buffer.read())\n"
            "from freecalc.free.atoms import sympy_to_poly\n"
            "sympy_to_poly(e)\n"
            "sys.stdout.buffer.write(str(e).encode())\n")
    out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode() == str(FORMS["second order"] + FORMS["centered"])


@pytest.mark.parametrize("name", ["moments", "centered", "cumulants", "mixed"])
def test_subs_and_lambdify_agree_with_evaluation(name):
    expr = FORMS[name]
    traces = MatrixTraces(spread_matrices(["A", "B", "R"], 40, seed=3))
    atoms = _atoms(expr)
    values = [traces.value(atom_id(key_of_symbol(a))) for a in atoms]
    expected = evaluate(expr, traces.value)
    function = sympy.lambdify(atoms, expr, "numpy")
    assert_allclose(function(*values), expected, rtol=1e-12)
    assert_allclose(float(expr.subs(dict(zip(atoms, values, strict=True)))), expected, rtol=1e-12)
    # vectorised over arrays of atom values, as lambdify's users do
    batch = function(*(np.full(3, v) for v in values))
    assert_allclose(batch, np.full(3, expected), rtol=1e-12)


def test_subs_of_one_atom_keeps_the_others():
    expr = FORMS["cumulants"]
    tr_a = TraceAtom(("A",))
    replaced = expr.subs(tr_a, 2)
    assert tr_a not in replaced.free_symbols
    assert sympy_to_poly(replaced)  # still a polynomial in atoms


@pytest.mark.parametrize("name", ["moments", "centered", "cumulants", "second order"])
def test_simplify_and_factor_keep_the_atoms(name):
    expr = FORMS[name]
    for transformed in (sympy.simplify(expr), sympy.factor(expr)):
        assert transformed.free_symbols == expr.free_symbols
        assert sympy_to_poly(transformed) == sympy_to_poly(expr)


def test_factor_of_a_product_finds_its_factors():
    expr = sympy.expand(FORMS["cumulants"] * (TraceAtom(("R",)) - CumulantAtom((("A",), ("A",)))))
    factored = sympy.factor(expr)
    assert factored.is_Mul
    assert sympy.expand(factored) == expr


def test_series_in_one_over_n():
    x = sympy.Symbol("x", positive=True)
    expr = FORMS["finite"]
    series = sympy.series(expr.subs(SIZE, 1 / x), x, 0, 5).removeO().subs(x, 1 / SIZE)
    expected = expand("tr(A R A R)", ["A", "R"], "cumulants", size=SIZE, series=4)
    assert sympy.expand(series - expected) == 0
    assert sympy.expand(expr.series(SIZE, sympy.oo, 5).removeO() - expected) == 0
