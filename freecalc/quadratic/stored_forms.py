"""The C-NFC closed forms and R's limit moments as the engine generates them, stored with the package.

``cnfc_forms.json`` holds two outputs of the engine, so that a prediction evaluates them without importing
sympy (a third of the start-up of ``freecalc predict``):

* ``closed_forms``: for each trace of :data:`~.correlation.CNFC_TRACES`, its closed form in raw moments,
  :func:`freecalc.quadratic.words.cnfc_closed_forms` (the free engine; paper arXiv:2402.05271, Appendix E),
  as terms ``{"coefficient": "p/q", "atoms": ["C C", "B", ...]}``, each atom the trace of the word of its
  space-separated letters (repeated for a power);
* ``r_moments``: for each readout law, ``tr(R^p)``, p = 1..``R_MOMENTS``, of the compound free Poisson limit
  law of ``R = W^T diag(a^2) W`` (:func:`freecalc.quadratic.rlaw.network_r_moments`), as the coefficients of
  a polynomial in ``c = d/k``, lowest power first.

:func:`generate` rebuilds the content with the engine and :func:`write` stores it; a test keeps the file
equal to :func:`generate`, so the stored forms are the engine's, never typed by hand.
"""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache
from pathlib import Path

from ..errors import ParameterError
from ..free.atom_ids import atom_key, trace_atom
from ..free.poly import Poly

__all__ = ["FORMS_FILE", "R_MOMENTS", "stored_closed_forms", "analytic_r_moments", "generate", "dumps",
           "write"]

FORMS_FILE = Path(__file__).with_name("cnfc_forms.json")
R_MOMENTS = 8  # highest p stored for tr(R^p); the C-NFC needs 4 (eq. (26))


@cache
def _content() -> dict:
    return json.loads(FORMS_FILE.read_text(encoding="utf-8"))


@cache
def stored_closed_forms() -> dict[str, Poly]:
    """The stored closed forms as internal polynomials over this process's atom ids."""
    forms = {}
    for name, terms in _content()["closed_forms"].items():
        poly: Poly = {}
        for term in terms:
            monomial = tuple(sorted(trace_atom(tuple(word.split())) for word in term["atoms"]))
            poly[monomial] = poly.get(monomial, 0) + Fraction(term["coefficient"])
        forms[name] = {m: c for m, c in poly.items() if c}
    return forms


def analytic_r_moments(order: int, d: int, k: int, a_law: str = "gaussian") -> list[float]:
    """``tr(R^p)``, p = 1..order, of R's limit law at ``c = d/k``, summed exactly in rationals."""
    table = _content()["r_moments"]
    if a_law not in table:
        raise ParameterError(f"unknown law of a {a_law!r}; choose one of {', '.join(table)}")
    if not 0 <= order <= len(table[a_law]):
        raise ParameterError(f"stored moments of R go up to order {len(table[a_law])}, got {order}")
    if d < 1 or k < 1:
        raise ParameterError("sizes must be positive")
    c = Fraction(d, k)
    return [float(sum(Fraction(a) * c**j for j, a in enumerate(coefficients)))
            for coefficients in table[a_law][:order]]


def generate() -> dict:
    """The file's content, computed by the engines (sympy)."""
    import sympy

    from ..free.atoms import sympy_to_poly
    from ..free.cumulants import cumulants_to_moments
    from .readout import A_LAWS
    from .rlaw import network_r_cumulants
    from .words import cnfc_closed_forms

    closed = {}
    for name, expr in cnfc_closed_forms().items():
        terms = []
        for monomial, coefficient in sympy_to_poly(expr).items():
            keys = [atom_key(i) for i in monomial]
            if any(kind != "tr" for kind, _ in keys):
                raise ValueError(f"{name}: the raw-moment form has a non-trace atom")
            words = sorted(word for _, word in keys)  # an order of words, not of this process's ids
            atoms = [" ".join(word) for word in words]
            terms.append((words, {"coefficient": str(Fraction(coefficient)), "atoms": atoms}))
        closed[name] = [term for _, term in sorted(terms, key=lambda pair: pair[0])]
    c = sympy.Symbol("c", positive=True)
    moments = {}
    for law in A_LAWS:  # R's limit law with c a symbol
        series = cumulants_to_moments(network_r_cumulants(R_MOMENTS, c, law))
        moments[law] = [[str(Fraction(int(a.p), int(a.q))) for a in reversed(sympy.Poly(m, c).all_coeffs())]
                        for m in (sympy.expand(m) for m in series)]
    return {"closed_forms": closed, "r_moments": moments}


def dumps(content: dict) -> str:
    """The file's text: one term (or one moment's coefficients) per line."""
    def section(table: dict) -> str:
        lists = {key: ",\n".join(f"   {json.dumps(row)}" for row in rows) for key, rows in table.items()}
        return ",\n".join(f"  {json.dumps(key)}: [\n{rows}\n  ]" for key, rows in lists.items())

    return ("{\n \"closed_forms\": {\n" + section(content["closed_forms"]) + "\n },\n \"r_moments\": {\n"
            + section(content["r_moments"]) + "\n }\n}\n")


def write(path: Path = FORMS_FILE) -> Path:
    """Store :func:`generate` (run after a change of the engine; the tests say when)."""
    path.write_text(dumps(generate()), encoding="utf-8")
    return path
