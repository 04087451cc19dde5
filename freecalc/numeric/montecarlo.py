"""Monte Carlo check of closed forms: Haar-rotated matrices, one independent rotation per family.

If ``O_1, ..., O_m`` are independent Haar orthogonal (or unitary) matrices, the families
``{O_f X O_f^T : X in family f}`` are asymptotically free as d grows (Voiculescu 1991; Nica & Speicher,
Lecture 23; Mingo & Speicher, *Free Probability and Random Matrices*, Theorem 4.9 for the orthogonal case).
The closed form, evaluated on the family-local traces of the *unrotated* matrices (which rotation does not
change), is compared with the mean of the expression over rotations.

Exact reference. When the Weingarten sum is small enough (:func:`freecalc.haar.traces.haar_steps`) and,
for the orthogonal group, every matrix is symmetric, the exact Haar average at the matrices' size d
(the Weingarten sum evaluated as a bilinear form, :mod:`freecalc.numeric.weingarten_sum`) is computed, and
the Monte Carlo mean is compared with it, with no allowance: the free limit and the exact finite-size gap
are reported beside the measured one. A user's own closed form (``claimed``) is compared the same way.

Spread. The standard deviation of the expression across rotations is predicted too
(:func:`freecalc.numeric.fluctuations.predicted_spread`: exact, or from the second-order limit, which is
widened by ``5/d`` either side for its O(1/d) error) and the observed one must lie in the chi-square
interval around it.

Tolerance (:mod:`freecalc.numeric.verdict`): the normal quantile times the predicted standard error when
the spread is predicted, else Student's t quantile times the observed one, so that a correct closed form
is called wrong at the stated rate (default 1e-3) whatever the number of rotations. Against the free limit
(no exact value) a deterministic allowance ``c * scale / d`` is added for the finite-size bias of the Haar
average, which is O(1/d) (Collins & Sniady 2006, Weingarten calculus) times traces of words of the same
length. ``scale`` is Hoelder's bound of the expression: each ``tr(x_1 ... x_L)`` counts ``prod_i ||x_i||_L``
with the normalized Schatten norm ``||x||_p = tr(|x|^p)^(1/p)``, which bounds ``|tr(x_1 ... x_L)|`` (Hoelder's
inequality for the normalized trace), weighted by the absolute values of the coefficients. Measured over 40
random words of length 2..8 in three families at d = 300 (8 orthogonal rotations), the whole error never
exceeded 0.50 scale/d (median 0.10), so c = 1 leaves a factor 2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import sympy

from ..errors import FreecalcError, ParameterError
from ..free.atoms import atom_key, poly_to_sympy
from ..free.interpret import UNEXPANDED, as_families, expand_poly, interpret
from ..free.letters import GROUP, check_group
from ..free.tree import Interpreter
from ..free.words import Bar, Families, Letter, Node, Num, Power, Product, Scale, Sum, Tr, letters_of, parse
from ..free.workload import EXACT_MAX_STEPS, SPREAD_MAX_STEPS
from ..haar.traces import haar_steps
from .display import Displayed
from .evaluate import MatrixTraces, evaluate_poly, first_asymmetric, normalized_trace, validate_matrices
from .fluctuations import predicted_spread
from .haar import as_generator, haar_orthogonal, haar_unitary
from .verdict import FALSE_ALARM, mean_tolerance, spread_interval
from .weingarten_sum import ROUNDING, exact_trace_average

__all__ = [
    "CheckResult",
    "check",
    "default_matrices",
    "evaluate_expression",
    "holder_scale",
    "validate_matrices",
]


@dataclass(frozen=True)
class CheckResult(Displayed):
    """Outcome of a Monte Carlo check of a closed form (``value``: the Monte Carlo mean)."""

    expression: str
    closed_form: sympy.Expr
    predicted: float
    observed: float
    stderr: float
    tolerance: float
    agrees: bool
    dim: int
    rotations: int
    group: str
    quantile: float  # the tolerance in standard errors (normal or Student t quantile)
    bias_constant: float
    observed_sd: float = float("nan")  # spread of the trace across rotations
    exact: float | None = None  # exact Haar average at size dim (Weingarten), when available
    exact_note: str = ""  # why there is no exact value
    claimed: float | None = None  # value of the user's closed form, when one was given
    reference: str = "free limit"  # what the verdict compared the Monte Carlo mean with
    predicted_sd: float | None = None  # predicted spread across rotations (exact or second-order limit)
    spread_method: str = ""  # how predicted_sd was obtained, or why it is missing
    spread_agrees: bool | None = None  # observed_sd within the chi-square interval around predicted_sd
    false_alarm: float = FALSE_ALARM  # the rate at which each verdict calls a correct closed form wrong
    tolerance_method: str = ""  # "predicted spread" (normal quantile) or "Student t" (observed spread)
    power: float = float("nan")  # probability of flagging a closed form off by one sd of a sample

    @property
    def exact_gap(self) -> float | None:
        """Exact finite-size value minus the free limit."""
        return None if self.exact is None else self.exact - self.predicted

    @property
    def observed_gap(self) -> float:
        """Monte Carlo mean minus the free limit."""
        return self.observed - self.predicted

    @property
    def value(self) -> float:
        """The Monte Carlo mean over the rotations."""
        return self.observed

    @property
    def verdict(self) -> str:
        """``agree`` or ``DISAGREE`` (the mean's verdict)."""
        return "agree" if self.agrees else "DISAGREE"

    @property
    def spread_verdict(self) -> str | None:
        """``agree``, ``DISAGREE``, or None when the spread was not predicted."""
        return None if self.spread_agrees is None else ("agree" if self.spread_agrees else "DISAGREE")

    def to_dict(self) -> dict:
        """JSON-ready dictionary (the closed form as a string): what ``freecalc check --json`` prints."""
        out = asdict(self)
        out["closed_form"] = str(self.closed_form)
        out["exact_gap"], out["observed_gap"] = self.exact_gap, self.observed_gap
        out["verdict"], out["spread_verdict"] = self.verdict, self.spread_verdict
        return out

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {sympy.latex(self.closed_form)}$"


def default_matrices(letters: Sequence[str], dim: int, seed: int | np.random.Generator | None = 0
                     ) -> dict[str, np.ndarray]:
    """One random symmetric matrix per letter: a random spectrum in a random orthonormal basis.

    Spectra are i.i.d. uniform on ``[0.2, 1.8] * (1 + 0.25 j)`` for the j-th letter (sorted by name), so
    every letter has a non-zero mean and variance and letters differ in law.
    """
    rng = as_generator(seed)
    out = {}
    for j, letter in enumerate(sorted(letters)):
        spectrum = rng.uniform(0.2, 1.8, dim) * (1 + 0.25 * j)
        basis = haar_orthogonal(dim, rng)
        out[letter] = (basis * spectrum) @ basis.T
    return out


class _OnMatrices(Interpreter):
    """Expressions on matrices: a float for scalars, an array otherwise."""

    def __init__(self, matrices: Mapping[str, np.ndarray]):
        self.matrices = matrices

    def num(self, node: Num) -> float:
        return float(node.value)

    def letter(self, node: Letter) -> np.ndarray:
        return self.matrices[node.name]

    def product(self, node: Product | Power):
        factors = node.factors if isinstance(node, Product) else (node.base,) * node.exponent
        value = 1.0
        for factor in factors:
            f = self(factor)
            value = value @ f if isinstance(value, np.ndarray) and isinstance(f, np.ndarray) else value * f
        return value

    power = product

    def sum(self, node: Sum):
        values = [self(t) for t in node.terms]
        scalar = sum(v for v in values if not isinstance(v, np.ndarray))
        arrays = [v for v in values if isinstance(v, np.ndarray)]
        if not arrays:
            return scalar
        total = sum(arrays[1:], arrays[0].copy())
        return total + scalar * np.eye(total.shape[0])

    def scale(self, node: Scale):
        return float(node.coefficient) * self(node.expr)

    def tr(self, node: Tr):
        value = self(node.expr)
        return normalized_trace(value) if isinstance(value, np.ndarray) else value

    def bar(self, node: Bar):
        value = self(node.expr)
        if not isinstance(value, np.ndarray):
            return 0.0
        return value - normalized_trace(value) * np.eye(value.shape[0])


def evaluate_expression(node: Node, matrices: Mapping[str, np.ndarray]):
    """Numeric value of an expression on matrices: a float for scalars, an array otherwise."""
    return _OnMatrices(matrices)(node)


class _Holder(Interpreter[float]):
    """Hoelder's bound, termwise: ``|tr(x_1...x_L)| <= prod ||x_i||_L``; untraced letters count 0."""

    def __init__(self, families: Families, matrices: Mapping[str, np.ndarray], traces: MatrixTraces):
        self.families, self.matrices, self.traces, self.singular = families, matrices, traces, {}

    def norm(self, letter: str, p: int) -> float:
        """The normalized Schatten norm ``||x||_p = tr(|x|^p)^(1/p)`` of a letter."""
        if letter not in self.singular:
            self.singular[letter] = np.linalg.svd(self.matrices[letter], compute_uv=False)
        return float(np.mean(self.singular[letter] ** p) ** (1.0 / p))

    def num(self, node: Num) -> float:
        return abs(float(node.value))

    def scale(self, node: Scale) -> float:
        return abs(float(node.coefficient)) * self(node.expr)

    def sum(self, node: Sum) -> float:
        return sum(self(t) for t in node.terms)

    def product(self, node: Product) -> float:
        return float(np.prod([self(f) for f in node.factors]))

    def power(self, node: Power) -> float:
        return self(node.base) ** node.exponent

    def tr(self, node: Tr) -> float:
        total = 0.0
        for word, coefficient in interpret(node.expr, self.families, "moments").items():
            c = abs(evaluate_poly(coefficient, self.traces.value))
            total += c * float(np.prod([self.norm(x, len(word)) for x in word])) if word else c
        return total

    def letter(self, node: Letter | Bar) -> float:
        return 0.0

    bar = letter


def holder_scale(node: Node, families: Families, matrices: Mapping[str, np.ndarray],
                 traces: MatrixTraces) -> float:
    """Hoelder bound of a scalar expression: ``|tr(x_1...x_L)| <= prod ||x_i||_L`` termwise."""
    return _Holder(families, matrices, traces)(node)





def exact_average(node: Node, families: Families, matrices: Mapping[str, np.ndarray], group: str,
                  traces: MatrixTraces, max_steps: int = EXACT_MAX_STEPS) -> tuple[float | None, str]:
    """The exact Haar average of a scalar expression at the matrices' size, or None and the reason."""
    if group == "orthogonal" and (letter := first_asymmetric(matrices)) is not None:
        return None, f"the orthogonal formula needs symmetric matrices; {letter} is not"
    value = interpret(node, families, UNEXPANDED)
    for monomial in value.get((), {}):
        words = [atom_key(i)[1] for i in monomial]
        if (steps := haar_steps(words, families, group)) > max_steps:
            return None, f"the Weingarten sum has {steps:,} pairs (more than {max_steps:,})"
    dim = next(iter(matrices.values())).shape[0]
    total = size = 0.0
    for monomial, coefficient in value.get((), {}).items():
        words = [atom_key(i)[1] for i in monomial]
        term = float(coefficient) * exact_trace_average(words, families, group, dim, traces.word_value)
        total, size = total + term, size + abs(term)
    return (0.0 if abs(total) <= ROUNDING * size else total), ""  # zero to the rounding of the sum


def check(
    expression: str | Node,
    families,
    matrices: Mapping[str, np.ndarray] | None = None,
    *,
    size: int = 300,
    rotations: int = 20,
    seed: int | None = 0,
    group: str = GROUP,
    false_alarm: float = FALSE_ALARM,
    bias_constant: float = 1.0,
    claimed: str | None = None,
    exact: bool = True,
    max_steps: int = EXACT_MAX_STEPS,
    spread_steps: int = SPREAD_MAX_STEPS,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Compare the closed form of ``expression`` with its Monte Carlo mean over Haar rotations.

    Every family but the first is conjugated by its own Haar rotation (conjugating all of them by a
    common rotation changes no trace, so the first can stay). ``claimed`` is a closed form of one's own (a
    polynomial in family-local traces, e.g. ``"tr(A^2) tr(R)^2"``) to test instead of the engine's.
    ``size`` is the size of the default random matrices (``matrices`` set their own). The verdicts call a
    correct closed form wrong at the rate ``false_alarm`` each (:mod:`freecalc.numeric.verdict`); the exact
    value (up to ``max_steps`` Weingarten pairs) and the predicted spread (also up to ``spread_steps``
    through steps of the second-order limit) are optional parts, left out with a note past their limits.
    ``progress(1)`` is called after each rotation.
    See the module docstring for the reference value and the tolerance.
    """
    families: Families = as_families(families)
    node = parse(expression) if isinstance(expression, str) else expression
    letters = sorted(letters_of(node))
    families.check(set(letters))
    group = check_group(group)
    if rotations < 2:
        raise ParameterError("need at least 2 rotations for a standard error")
    if not 0 < false_alarm < 1:
        raise ParameterError(f"the false-alarm rate must be in (0, 1), got {false_alarm}")
    if matrices is None:
        if size < 1:
            raise ParameterError("the matrix size must be positive")
        matrices = default_matrices(letters, size, seed)
    else:
        matrices = {x: np.asarray(m, dtype=float) for x, m in matrices.items()}
    dim = validate_matrices(matrices, letters)
    poly = expand_poly(node, families)
    traces = MatrixTraces(matrices)
    predicted = evaluate_poly(poly, traces.value)
    scale = holder_scale(node, families, matrices, traces)
    rng = np.random.default_rng(None if seed is None else seed + 1)
    used = sorted({families.index(x) for x in letters})
    samples = []
    for _ in range(rotations):
        rotated = {}
        sample = haar_orthogonal if group == "orthogonal" else haar_unitary
        rotation = {f: sample(dim, rng) for f in used[1:]}
        for x in letters:
            f = families.index(x)
            o = rotation.get(f)
            rotated[x] = matrices[x] if o is None else o @ matrices[x] @ o.conj().T
        value = evaluate_expression(node, rotated)
        if isinstance(value, np.ndarray):
            raise FreecalcError("the expression is not a scalar: every letter must stand inside tr(...)")
        samples.append(float(np.real(value)))
        if progress is not None:
            progress(1)
    observed = float(np.mean(samples))
    spread = float(np.std(samples, ddof=1))
    stderr = spread / np.sqrt(len(samples))
    exact_value, note = (None, "not asked")
    if exact:
        exact_value, note = exact_average(node, families, matrices, group, traces, max_steps)
    claimed_value = None
    if claimed is not None:
        claimed_node = parse(claimed)
        families.check(set(letters_of(claimed_node)))
        claimed_value = evaluate_poly(expand_poly(claimed_node, families), traces.value)
    rounding = 1e-9 * max(scale, abs(predicted))  # floating point, for words that do not fluctuate
    predicted_sd, spread_method = predicted_spread(node, families, matrices, group, traces, max_steps,
                                                   mean=exact_value, second_order_steps=spread_steps)
    # the second-order limit is off by O(1/N) at size N: widened by 5/N on either side
    widening = 0.0 if spread_method == "exact" else 5.0 / dim
    spread_agrees = None
    if predicted_sd is not None:
        low, high = spread_interval(len(samples), false_alarm=false_alarm)
        spread_agrees = bool(low * (1 - widening) * predicted_sd - rounding <= spread
                             <= high * (1 + widening) * predicted_sd + rounding)
    sd_for_mean = None if predicted_sd is None else predicted_sd * (1 + widening)
    if exact_value is not None:
        reference, target, allowance = "exact", exact_value, rounding
    else:
        reference, target, allowance = "free limit", predicted, bias_constant * scale / dim
    limits = mean_tolerance(len(samples), spread, sd_for_mean, false_alarm=false_alarm, allowance=allowance)
    if claimed_value is not None:
        reference, target = "claimed", claimed_value
    return CheckResult(
        expression=expression if isinstance(expression, str) else repr(expression),
        closed_form=poly_to_sympy(poly),
        predicted=predicted,
        observed=observed,
        stderr=stderr,
        tolerance=limits.tolerance,
        agrees=bool(abs(observed - target) <= limits.tolerance),
        dim=dim,
        rotations=rotations,
        group=group,
        quantile=limits.quantile,
        bias_constant=bias_constant if exact_value is None else 0.0,
        observed_sd=spread,
        exact=exact_value,
        exact_note=note,
        claimed=claimed_value,
        reference=reference,
        predicted_sd=predicted_sd,
        spread_method=spread_method,
        spread_agrees=spread_agrees,
        false_alarm=false_alarm,
        tolerance_method=limits.method,
        power=limits.power,
    )
