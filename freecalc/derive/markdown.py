"""Markdown templates of the derivation pages: text around computed findings, and nothing computed here.

Each function takes a finding of :mod:`.findings` or :mod:`.proposition8` and returns the page; every
verdict, ratio and count of standard errors is a field of the finding. This module imports neither sympy
nor numpy.
"""

from __future__ import annotations

from .catalogue import MARKER, PAPER
from .figures import at_precision, bound, decimals_of, estimate, exact, fixed, percent, roundoff, signed

__all__ = ["trace_page", "r_law_page", "eq8_page", "proposition8_page", "finite_size_page",
           "second_order_page", "finite_width_page", "index_page"]


def _families(families) -> str:
    return " and ".join("{" + f + "}" for f in families)


def _resolution(mc) -> str:
    """What the Monte Carlo check can detect, from its tolerance relative to the value."""
    text = "A closed form off by more than the tolerance fails this check"
    if mc.resolution is None:
        return text + "."
    text += f" ({percent(mc.resolution)} of the value)"
    return text + (": at this size the Monte Carlo is only a sanity check, the closed form rests on the "
                   "symbolic derivation." if mc.resolution > 0.5 else ".")


def trace_page(f) -> str:
    """The page of one catalogued trace result (:class:`~.findings.TraceFinding`)."""
    r, mc = f.result, f.monte_carlo
    lines = [MARKER, "", f"# {r.title}", "", f"**Statement.** {r.statement}", "",
             f"**Expression.** `{r.expression}`, with free families {_families(r.families)}.", "",
             f"**Engine closed form** ({r.basis} basis):", "", f"$$ {f.closed_latex} $$", ""]
    if f.paper_latex is not None:
        lines += [f"**Paper, as printed** ({PAPER}), in freecalc's grammar: `{r.paper}`", "",
                  f"$$ {f.paper_latex} $$", "", f"**Verdict: {f.verdict}.**", ""]
        if f.difference_latex is not None:
            lines += ["Engine minus paper:", "", f"$$ {f.difference_latex} $$", ""]
    if r.note:
        lines += [r.note, ""]
    if f.corrected_difference is not None:
        lines += [f"Corrected form: `{r.corrected}`; engine minus corrected form = {f.corrected_difference}.",
                  ""]
    lines.append(
        f"Monte Carlo (d = {mc.dim}, {mc.rotations} Haar orthogonal rotations per free family, "
        f"seed {mc.seed}, matrices `default_matrices(seed={mc.matrix_seed})`): observed "
        f"{estimate(mc.observed, mc.stderr)} (stderr); engine {exact(mc.predicted)}"
        + (f" (free limit; exact Haar average at d = {mc.dim}: {exact(mc.exact)})" if mc.exact is not None
           else "")
        + f"; tolerance {mc.tolerance:.2g} → {'agrees' if mc.agrees else 'DISAGREES'}. " + _resolution(mc))
    if f.printed_value is not None:
        gap = f.printed_gap_in_se * mc.stderr
        lines.append(f"The paper's printed form on the same matrices: {exact(f.printed_value)}, off by "
                     f"{fixed(gap, decimals_of(mc.stderr))} = {f.printed_gap_in_se:.0f} standard errors.")
    return "\n".join(lines + [""])


def r_law_page(f) -> str:
    """The law of R (:class:`~.findings.RLawFinding`)."""
    lines = [MARKER, "", "# The law of R = Wᵀ diag(a²) W", "",
             "**Statement.** W is k x d with i.i.d. N(0, 1/k) entries, a has i.i.d. N(0, 1) entries, "
             "c = d/k. "
             "R is a sum of k rank-one matrices a_s² w_s w_sᵀ with non-zero eigenvalue a_s² |w_s|² → c a_s², "
             "so its limit law is compound free Poisson of rate 1/c and jump law c a² (Nica & Speicher, "
             "Proposition 12.11): κ_p(R) = c^(p-1) E[a^(2p)] (design notes).", "",
             "**Free cumulants** κ_1..κ_4: $$ " + ", ".join(f.cumulants_latex) + " $$", "",
             "**Moments** tr(R), ..., tr(R⁴) (engine, from the cumulants): $$ " + ", ".join(f.moments_latex)
             + " $$", "",
             f"**Monte Carlo** ({f.networks} sampled networks each, seed {f.seed}; "
             "mean ± stderr of tr(R^p)):", "",
             "| d | k | c | p | analytic | sampled |", "|---|---|---|---|---|---|"]
    for d, k, c, p, analytic, mean, se in f.rows:
        lines.append(f"| {d} | {k} | {c} | {p} | {analytic} | {estimate(mean, se)} |")
    return "\n".join(lines + [""])


def eq8_page(f) -> str:
    """Eq. (8) against eq. (6) (:class:`~.findings.Eq8Finding`)."""
    return "\n".join([
        MARKER, "", "# Equation (8) against equation (6)", "",
        "**Statement.** Eq. (6) writes the C-NFC as tr(G H) · tr(G²)^(-1/2) · tr(H²)^(-1/2) with "
        "G = ẆᵀẆ, H = ẆᵀKẆ; eq. (8) (Appendix E) writes tr(G H) / (tr(G²)^(-1/2) tr(H²)^(-1/2)), which "
        "multiplies by the norms instead of dividing. Only (6) is a cosine correlation.", "",
        f"**Verdict: eq. (8) {f.verdict}** (symbolically, eq. (8) minus eq. (6) "
        f"{'is' if f.verdict == 'agrees' else 'is not'} zero: its denominator exponents should be +1/2, or "
        "the powers -1/2 should multiply, as in eq. (6)).", "",
        f"**Monte Carlo.** Alignment-reversing data (n = d = {f.size}, balance 0.3, seed 5); the three "
        "traces tr(GH), tr(G²), tr(H²) from the engine's closed forms (analytic moments of R, "
        f"k = {f.size}), combined by each equation, against the cosine correlation of G and H measured on "
        f"{f.networks} sampled networks (seeds 100-{100 + f.networks - 1}):", "",
        f"- engine traces: tr(GH) = {exact(f.gh)}, tr(G²) = {exact(f.gg)}, tr(H²) = {exact(f.hh)}",
        f"- eq. (6): {exact(f.eq6)}", f"- eq. (8) as printed: {exact(f.eq8)}",
        f"- sampled networks: {estimate(f.mean, f.stderr)} (stderr); eq. (6) is {f.eq6_gap_in_se:.1f} and "
        f"eq. (8) {f.eq8_gap_in_se:.0f} standard errors away.", ""])


def _mc_row(row, printed: str) -> str:
    return (f"| {row.k} | {row.nfm_z:.1f} | {estimate(row.ratio, row.ratio_se)} | {row.exact_ratio_text} | "
            f"{printed} | {row.exact_z:.1f} | {row.printed_z:.0f} |")


def proposition8_page(f) -> str:
    """Proposition 8 (:class:`~.proposition8.Proposition8Finding`)."""
    wide = [row for row in f.rows if row.k > 1]
    printed_min_z = min(row.printed_z for row in wide)
    shape_min_z = min(abs(row.ratio - float(f.printed_ratio)) / row.ratio_se for row in wide)
    exact_max_z = max(max(row.exact_z, abs(row.ratio - row.exact_ratio) / row.ratio_se) for row in f.rows)
    return "\n".join([
        MARKER, "", "# Proposition 8: expected second derivatives of the centered NFM and AGOP", "",
        "**Statement** (paper, Proposition 8, stated after Appendix F). For f(x) = aᵀ(Wx)² with "
        "a ~ N(0, I_k) and W ~ N(0, 1/k) entrywise, E[ẆᵀẆ] = (XᵀYX)² and "
        "E[ẆᵀKẆ] = 3 tr(XᵀX) (XᵀYX)² + 6 XᵀYX XᵀX XᵀYX, "
        "where the proof's tr(XᵀX) = Σ X²_αp is the unnormalized trace Tr(B).", "",
        "**Words.** With J = ∂f(X)/∂h = 2 X Wᵀ diag(a), Ẇ = JᵀYX = 2 diag(a) W C and K = JᵀJ, so "
        "ẆᵀẆ = 4 C R C and ẆᵀKẆ = 16 C R B R C (C = XᵀYX, B = XᵀX, R = Wᵀ diag(a)² W; proof of "
        "Proposition 3). The paper drops the factor 2 of J; below, as in the paper, E[C R C] and "
        "E[C R B R C] are shown, i.e. the Wick words `C W' D^2 W C` and `C W' D^2 W B W' D^2 W C` "
        "(D = diag(a), W k x d with i.i.d. N(0, 1/k) entries, C and B fixed and symmetric).", "",
        "**Engine closed forms** (`freecalc.gaussian.wick`, Isserlis' theorem, exact in k and d; E[a^p] the "
        "moments of an entry of a):", "",
        f"$$ \\mathbb{{E}}[C R C] = {f.general_nfm} $$", "",
        f"$$ \\mathbb{{E}}[C R B R C] = {f.general_agop} $$", "",
        "For a ~ N(0, I_k) (E[a²] = 1, E[a⁴] = 3):", "",
        f"$$ \\mathbb{{E}}[C R C] = {f.gaussian_nfm}, \\qquad "
        f"\\mathbb{{E}}[C R B R C] = {f.gaussian_agop} $$", "",
        f"**Paper, as printed** ({PAPER}): $$ {f.paper_nfm}, \\qquad {f.paper_agop} $$", "",
        f"**Verdict: {f.verdict}.** E[ẆᵀẆ]: {'agrees' if f.nfm_agrees else 'differs'} (up to the dropped "
        f"factor 4). E[ẆᵀKẆ]: {'agrees' if f.agop_agrees else 'differs'}.", "",
        "**Where the proof goes wrong.** Eq. (29) sums over two neuron indices s1, s2, but the next line "
        "keeps only s1 = s2. Split by neuron indices (the s1 = s2 terms carry E[a⁴], the s1 ≠ s2 terms "
        "E[a²]²):", "",
        f"$$ \\text{{same neuron: }} {f.same_neuron}, \\qquad "
        f"\\text{{cross neuron: }} {f.cross_neuron} $$", "",
        "The cross-neuron terms do not vanish: for k > 1 they are the leading term "
        "(E[a²]² (1 - 1/k) C B C). The printed form is k times the same-neuron part with E[a⁴] = 3 "
        f"(machine check: {'yes' if f.printed_is_k_same else 'no'}), i.e. it also drops the 1/k² of the "
        "four entries of W; it is right only for k = 1 (up to that scale).", "",
        "**Large-size limit against the free engine.** With Tr(B) = d tr(B), d/k = c, d → ∞, the exact "
        f"form gives tr(E[R B R] M) → ${f.limit}$; the free engine's tr(R B R M) for {{B, M}} free from R, "
        "with the law of R (tr R = 1, tr R² = 1 + 3c; see [r-law.md](r-law.md)), gives "
        f"${f.free_value}$: {'equal' if f.limit_equal else 'NOT equal'}.", "",
        f"**Monte Carlo** (n = {f.mc_n}, d = {f.mc_d}, X standard normal and y = ±1 "
        f"from seed {f.mc_seed}; {f.mc_samples:,} sampled networks per width in 50 batches, seeds "
        f"{f.mc_seed} + k; Ẇ and K formed from J as in `freecalc.quadratic.network`, divided by 4 and 16). "
        "Fitting the batch means of E[C R B R C] to α Tr(B) C² + β C B C gives the scale-free ratio β/α; "
        f"the exact form predicts {f.exact_ratio}, the printed form {f.printed_ratio}. The last columns give "
        "the largest |MC − form| over the d² entries in standard errors.", "",
        "| k | E[CRC]: max \\|MC − C²\\| / se | β/α (MC ± se) | β/α exact | β/α printed "
        "| max \\|MC − exact\\| / se | max \\|MC − printed\\| / se |",
        "|---|---|---|---|---|---|---|", *(_mc_row(row, f.printed_ratio) for row in f.rows), "",
        f"At k = 1 there are no cross-neuron terms and the printed and exact forms "
        f"{'coincide' if f.agrees_at_k1 else 'still differ'}. For k > 1 the printed form is at least "
        f"{printed_min_z:.0f} standard errors off entrywise, and even its shape (β/α = {f.printed_ratio}) is "
        f"at least {shape_min_z:.1f} standard errors away, while the exact form is within "
        f"{exact_max_z:.1f} standard errors on every entry and in β/α.", "",
    ])


def _yes(flag: bool) -> str:
    return "yes" if flag else "**NO**"


def _partition(mu) -> str:
    return "(" + ", ".join(str(m) for m in mu) + ")"


_GROUP_TEXT = {"unitary": "unitary, Wg(μ, N) for σ of cycle type μ",
               "orthogonal": "orthogonal, Wg^O(μ, N) for pairings of coset type μ"}


def _weingarten_section(t) -> list[str]:
    published = {mu: (latex, ok) for mu, latex, ok in t.published}
    matched = all(ok for _, ok in published.values())
    status = (f", published values {'matched' if matched else 'NOT matched'}" if published
              else ", no published values typed (the orthogonality relation decides)")
    lines = [f"**{t.group.capitalize()}, n = {t.n}** ({_GROUP_TEXT[t.group]}): "
             f"{'agrees' if t.agrees else 'DISAGREES'}; orthogonality relation "
             f"{'holds' if t.orthogonality else 'FAILS'}{status}.", "",
             "| μ | engine | published | equal |", "|---|---|---|---|"]
    for mu, latex in t.entries:
        shown, ok = published.get(mu, (None, None))
        cells = f"${shown}$ | {_yes(ok)} |" if shown else "– | – |"
        lines.append(f"| {_partition(mu)} | ${latex}$ | {cells}")
    return lines + [""]


def _size_row(r) -> str:
    return (f"| {r.slug} | {r.group} | {r.size} | {r.rotations:,} | {exact(r.free)} | {exact(r.exact)} | "
            f"{estimate(r.mean, r.stderr)} | {fixed(r.z, 1)} | {fixed(r.gap_in_se, 1)} |")


_FINITE_STATEMENT = (
    "**Statement.** At finite N the Haar average of a word in a fixed family {A, B} and a family "
    "{R} conjugated by a Haar matrix (R → U R U* on U(N), or O R Oᵀ on O(N)) is a polynomial in "
    "the same family-local traces, with coefficients rational in N, by the Weingarten calculus "
    "(Collins, IMRN 2003; Collins & Sniady, Comm. Math. Phys. 264, 2006; Collins & Matsumoto, "
    "J. Math. Phys. 50, 113516, 2009); as N → ∞ it tends to the free closed form (asymptotic "
    "freeness). Engine: `freecalc.haar.weingarten`, `freecalc.haar.traces.finite_size_poly`.")
_WEINGARTEN_CHECKS = (
    "Each table is checked against the orthogonality relation that defines it, summed here over "
    "the whole group for one representative of each class: unitary, "
    "Σ_τ Wg(στ⁻¹, N) N^#cycles(τ) = δ(σ, e) (Collins & Sniady 2006, Prop. 2.3); orthogonal, "
    "Σ_q Wg^O(p, q, N) N^loops(q, r) = δ(p, r) (Collins & Matsumoto 2009, Sec. 3); and against "
    "the values printed by Collins & Sniady 2006 (unitary, n ≤ 3) and Collins & Matsumoto 2009 "
    "(orthogonal, n ≤ 2), typed from the papers.")


def finite_size_page(f) -> str:
    """Exact finite-size Haar averages (:class:`~.finite_size.FiniteSizeFinding`)."""
    lines = [MARKER, "", "# Exact finite-size Haar averages", "", _FINITE_STATEMENT, "",
             f"**Verdict: {f.verdict}.**", "", "## Weingarten functions, n ≤ 4", "",
             _WEINGARTEN_CHECKS, ""]
    for table in f.tables:
        lines += _weingarten_section(table)
    lines += ["## The paper's words at finite N", "",
              f"Words of {PAPER} with free families {{A, B}} and {{R}}; the exact Haar average "
              "E[tr(word)] at size N. Symbolic forms hold for N at least the number of R-blocks "
              "of the word.", ""]
    for form in f.forms:
        shown = ("exact" if form.series_order is None else
                 f"1/N series to order {form.series_order} (the exact form has {form.terms} terms)")
        lines += [f"**{form.title}, `{form.expression}`, {form.group}** ({form.basis} basis, "
                  f"{shown}; N → ∞ limit equal to the free engine's closed form: "
                  f"{_yes(form.limit_is_free)}):", "", f"$$ {form.latex} $$", ""]
    small, large = f.sizes[0], f.sizes[-1]
    low, high = f.gap_range(small)
    resolved = ("the measurement resolves it" if low >= f.z_limit
                else f"not every gap is resolved at {f.z_limit:g} standard errors")
    matrices = f"spread_matrices([\"A\", \"B\", \"R\"], N, seed={f.matrix_seed})"
    lines += ["## Monte Carlo against the exact value", "",
              f"Matrices `freecalc.testing.{matrices}` (symmetric, shifted, skewed, mixed-sign "
              "spectra); R rotated by Haar matrices (QR with phases, Mezzadri 2007) drawn in batches "
              f"from seed ({f.mc_seed}, N, group), the same rotations for the three words. Columns: "
              "the free limit and the exact value on these matrices, the Monte Carlo mean ± stderr, "
              "its distance to the exact value and the finite-size gap (exact − free), both in "
              "standard errors.", "",
              "| word | group | N | rotations | free limit | exact | Monte Carlo "
              "| (MC − exact)/se | (exact − free)/se |",
              "|---|---|---|---|---|---|---|---|---|", *(_size_row(r) for r in f.rows), "",
              f"Every Monte Carlo mean is within {f.max_abs_z:.1f} standard errors of the exact "
              f"value (checked at {f.z_limit:g}). At N = {small} the finite-size gap is {low:.1f} "
              f"to {high:.1f} standard errors: {resolved}. At N = {large} the orthogonal means are "
              f"still up to {f.worst_free_z(large, 'orthogonal'):.1f} standard errors from the free "
              "limit (the orthogonal correction is O(1/N)), the unitary ones at most "
              f"{f.worst_free_z(large, 'unitary'):.1f} (O(1/N²)).", ""]
    return "\n".join(lines)


_LAW_NAMES = {"gue": "GUE", "goe": "GOE", "wishart": "complex Wishart (c = 1)"}
_SECOND_STATEMENT = (
    "**Statement.** Traces of polynomials in large random matrices fluctuate at order 1 "
    "(unnormalized traces) and their limit covariances are given by second-order freeness: sums "
    "over non-crossing annular permutations S_NC(p, q) (Mingo & Nica, IMRN 2004; Collins, Mingo, "
    "Sniady & Speicher, Doc. Math. 12, 2007; Mingo & Speicher, *Free Probability and Random "
    "Matrices*, 2017, Chapter 5); the real (orthogonal) case adds the sum with the inner circle "
    "reversed (Redelmeier, IMRN 2014; Mingo & Popa, J. Math. Phys. 54, 2013). Engine: "
    "`freecalc.free.second_order`.")
_LAW_SETUP = (
    "GUE and GOE: X = (G + G*)/√(2N), E|x_ij|² = 1/N off the diagonal (G complex with E|g|² = 1, "
    "or real standard); complex Wishart: X = G G*/N, G complex N × N (c = 1). Library values "
    "(`law_second_order_moments`) beside the values printed by Mingo & Nica 2004 (typed from the "
    "paper) and the annular counts of `freecalc.combinatorics.annular` (GUE |NC₂(p, q)|, GOE "
    "2 |NC₂(p, q)|, Wishart |S_NC(p, q)|). Checks over all 1 ≤ p, q ≤ 4:")


def _alpha_row(r) -> str:
    published = "–" if r.published is None else str(r.published)
    z = "–" if not r.stderr else fixed(r.z, 1)
    return (f"| {_LAW_NAMES[r.law]} | {r.p} | {r.q} | {r.limit} | {published} | {r.count} | "
            f"{estimate(r.observed, r.stderr)} | {z} |")


def _variance_row(w) -> str:
    at_n = ("–", "–", "–") if w.exact is None else (
        exact(w.exact), f"{w.exact_ratio:.4f}", fixed(w.exact_z, 1))
    return (f"| `{w.expression}` | {w.group} | {exact(w.predicted)} | {at_n[0]} | {at_n[1]} | "
            f"{estimate(w.observed, w.stderr)} | {estimate(w.ratio, w.ratio_se)} | {fixed(w.z, 1)} | "
            f"{at_n[2]} |")


def _closed_forms(f) -> list[str]:
    lines = []
    twice = {slug: ok for slug, ok, _ in f.orthogonal_twice_unitary}
    for w in f.words:
        if w.group == "orthogonal" and twice[w.slug]:
            continue
        lines += [f"**lim Var Tr({w.expression[3:-1]})**, {{A, B}} fixed, R rotated, {w.group}; "
                  f"free cumulants ({w.cumulant_terms} terms) and moments ({w.moment_terms} terms, "
                  "`covariance_in_moments`):", ""]
        forms = [f"$$ {w.cumulant_latex} $$", "", f"$$ {w.moment_latex} $$", ""]
        if w.cumulant_terms > 20:
            forms = ["<details><summary>closed forms</summary>", "", *forms, "</details>", ""]
        lines += forms
    for slug, ok, palindrome in f.orthogonal_twice_unitary:
        lines.append(f"- {slug}: the word {'is' if palindrome else 'is not'} its own reversal up to "
                     "rotation, so the orthogonal case's reversed annular sum "
                     f"{'equals' if palindrome else 'differs from'} the first; orthogonal = "
                     f"2 × unitary exactly: {'yes' if ok else 'no'}.")
    return lines


def second_order_page(f) -> str:
    """Fluctuations and second-order freeness (:class:`~.fluctuations.SecondOrderFinding`)."""
    c = f.checks
    lines = [MARKER, "", "# Fluctuations: second-order freeness", "", _SECOND_STATEMENT, "",
             f"**Verdict: {f.verdict}.**", "", "## α_{p,q} = lim Cov(Tr X^p, Tr X^q)", "",
             _LAW_SETUP, "",
             "- published values (GUE α₁₁, α₂₂, α₄₄; Wishart α₁₁, α₁₂, α₂₂) matched: "
             + _yes(c["published"]),
             f"- GUE = non-crossing annular pairings |NC₂(p, q)|: {_yes(c['gue_is_nc2'])}",
             f"- GOE = 2 × GUE: {_yes(c['goe_is_twice_gue'])}",
             f"- complex Wishart (c = 1) = |S_NC(p, q)|: {_yes(c['wishart_is_snc'])}", "",
             f"Monte Carlo: N = {f.law_n}, {f.law_samples} samples per law (seed ({f.law_seed}, "
             "law)); sample covariance ± stderr (the stderr of the mean of the centred products) "
             "and its distance to the limit in standard errors (– when the trace does not "
             "fluctuate).", "",
             "| law | p | q | α (library) | published | annular count | Monte Carlo | (MC − α)/se |",
             "|---|---|---|---|---|---|---|---|", *(_alpha_row(r) for r in f.alphas), "",
             f"Largest distance: GUE {f.max_abs_z('gue'):.1f}, complex Wishart "
             f"{f.max_abs_z('wishart'):.1f}, GOE {f.max_abs_z('goe'):.1f} standard errors. The "
             "complex cases converge at rate 1/N²; the real one at rate 1/N (e.g. Var Tr X² = "
             "4 + 4/N for the GOE), so the GOE rows are checked within "
             f"{f.z_limit:g} standard errors plus {f.real_allowance:g} |α|/N (relative deviations "
             "measured below 4.1/N in `tests/test_second_order.py`); the others within "
             f"{f.z_limit:g} standard errors. With {f.law_samples:,} samples every non-zero α is thus "
             f"checked to within {f.alpha_resolution:.0%} of its value: a normalisation off by more (the "
             "GOE's factor 2 dropped, say) fails.", "",
             "## Variance of the paper's words", "", *_closed_forms(f), "",
             f"On `spread_matrices([\"A\", \"B\", \"R\"], {f.cov_n}, seed={f.cov_matrix_seed})`, "
             f"variance of Tr over {f.cov_rotations} Haar rotations of R (seed ({f.cov_seed}, "
             "group)); stderr of a variance from the fourth central moment (the stderr of the mean "
             "of the squared deviations). Beside the limit, the exact variance at "
             f"N = {f.cov_n}, N² (E[tr P tr P] − E[tr P]²) by the Weingarten calculus "
             "(`finite_size_poly`), where its sum is small enough. With "
             f"{f.cov_rotations:,} rotations each variance is checked to within {f.word_resolution:.0%} of "
             "its reference (exact value, or limit plus the 1/N allowance): a closed form off by more, e.g. "
             "the unitary variance for the orthogonal one (a factor 2), fails.", "",
             "| word | group | limit | exact at N | exact / limit | observed | observed / limit | "
             "(obs − limit)/se | (obs − exact)/se |", "|---|---|---|---|---|---|---|---|---|",
             *(_variance_row(w) for w in f.words), ""]
    for w in f.words:
        if w.exact is None:
            lines.append(
                f"No exact value for `{w.expression}`, {w.group}: the Weingarten sum of "
                f"E[tr P tr P] has {w.steps:,} pairs (over the page's limit of "
                f"{f.exact_max_steps:,}); it is checked against the limit within {f.z_limit:g} "
                f"standard errors plus {f.real_allowance:g} |limit|/N for the O(1/N) orthogonal "
                f"correction: {'passes' if w.agrees else 'FAILS'}.")
    lines += ["", f"Every other variance is within {f.max_word_exact_z:.1f} standard errors of its "
              f"exact value at N = {f.cov_n} (checked at {f.z_limit:g}). The exact values show the "
              "size of the finite-N correction: O(1/N²) (unitary) against O(1/N) (orthogonal).", ""]
    return "\n".join(lines)


_WIDTH_STATEMENT = (
    "**Statement.** At finite n, d, k the observed C-NFC of one network differs from the free limit "
    f"of {PAPER} by terms of order 1/d and it varies from network to network. freecalc predicts its law "
    "across networks (`freecalc predict --finite-width`, `freecalc.quadratic.finite_width`) from small "
    "random objects: the readout a and k × q Gaussian blocks, with the data's second moments outside "
    "a subspace of dimension r averaged as a free compound Poisson tail "
    "(`freecalc.quadratic.reduced_draws`, where the formulas and references are). Each step is "
    "checked below, then the prediction against sampled networks.")


def finite_width_page(f) -> str:
    """The finite-width C-NFC (:class:`~.finite_width.FiniteWidthFinding`)."""
    c = f.settings
    identities = [f"| {name} | {roundoff(error)} |" for name, error in f.identity_errors.items()]
    rows = [f"| {r.data} | {estimate(r.observed, r.observed_se)} | "
            f"{at_precision(r.observed_sd, r.observed_sd_se)} | {exact(r.first_order)} | "
            f"{fixed(r.first_gap, 1)} | {estimate(r.finite, r.finite_se)} | "
            f"{fixed(r.finite_gap, 1)} | {at_precision(r.finite_sd, r.finite_sd_se)} | {r.sd_ratio:.2f} | "
            f"{bound(r.tail_share, c['negligible_tail'])} | {_yes(r.reliable)} |" for r in f.rows]
    cross = [f"| {r.data} | {at_precision(r.all_cross, r.finite_se)} | {at_precision(r.finite, r.finite_se)} "
             f"| {signed(r.cross_shift, 2)} | {at_precision(r.no_cross, r.finite_se)} "
             f"| {signed(r.no_cross_shift, 2)} |" for r in f.rows]
    return "\n".join([
        MARKER, "", "# The C-NFC at finite width: mean and spread across networks", "", _WIDTH_STATEMENT, "",
        f"**Verdict: {f.verdict}.**", "",
        "## 1. The traces are traces of k × k matrices", "",
        "With R = Wᵀ A W, A = diag(a²), G = C R C and H = C R B R C, cyclic invariance gives the traces "
        "in M = W C² Wᵀ and N = W B Wᵀ (k × k) and v = W C 1. Relative differences on one sampled network "
        "(n = 50, d = 30, k = 20, seed 7):", "",
        "| identity | relative difference |", "|---|---|", *identities, "",
        "## 2. The split along a subspace", "",
        "For an orthonormal V (d × r) and its complement V₂, W₁ = W V and W₂ = W V₂ are independent with "
        "i.i.d. N(0, 1/k) entries, and M = W₁ (Vᵀ S V) W₁ᵀ + W₁ X_Mᵀ + X_M W₁ᵀ + W₂ T W₂ᵀ with S = C², "
        "X_M = W₂ V₂ᵀ S V and T = V₂ᵀ S V₂ (the same for N with S = B). The first three parts are "
        "sampled; on the network above with r = 6 they rebuild M to "
        f"{roundoff(f.split_error)} (relative).", "",
        "The cross parts are sampled in their leading directions: those left out carry together at most "
        f"{c['cross_tolerance']:g} of "
        "the energy ‖C²‖², ‖B‖², ‖C1‖² of the matrix they come from (`cross_root`). Their effect on the "
        "predictions of step 4, with the random numbers shared between the three runs (each kept cross "
        "direction has its own Gaussian column), in standard errors of the observed mean (limit "
        f"{c['cross_limit']:g}):", "",
        "| data | every cross direction | default | shift | no cross direction | shift |",
        "|---|---|---|---|---|---|", *cross, "",
        "## 3. The free tail", "",
        "W₂ T W₂ᵀ is replaced by its mean tr(T)/k · I plus a centered part averaged as a free compound "
        "Poisson family, free cumulants Tr(T_{F₁} ⋯ T_{Fₙ})/k, through the moment formula over "
        "non-crossing partitions and the Kreweras complement (Nica & Speicher, Theorem 14.4). Check: "
        f"with d = {c['tail_d']}, k = {c['tail_k']} and r = 2 (almost all of C outside V), the averaged "
        f"E Tr(A M A M) over {c['tail_draws']} draws (seed 8) against the exact value "
        "Tr(S²)(1 + 5/k) + 3 Tr(S)²/k (Wick's theorem, Gaussian a: E a⁴ = 3, S = C²):", "",
        f"exact {exact(f.tail_exact)}, averaged {estimate(f.tail_mean, f.tail_se)} "
        f"({fixed(f.tail_z, 1)} standard errors).", "",
        "## 4. The prediction against sampled networks", "",
        f"n = d = k = {c['size']}, {c['networks']} networks (seeds 1000, 1001, ...; W ~ N(0, 1/k), "
        f"a ~ N(0, 1)), cosine correlation; finite width from {c['draws']} draws at r = {c['rank']} "
        "(seed 0). Gaps in standard errors (first order: of the observed mean; finite width: combined); "
        "targets |gap| ≤ "
        f"{c['z_limit']:g} and sd ratio in [{c['sd_range'][0]:.2f}, {c['sd_range'][1]:.2f}].", "",
        "| data | observed mean ± se | observed sd | first order | gap | finite width ± se | gap | "
        "predicted sd | sd ratio | tail share | reliable |",
        "|---|---|---|---|---|---|---|---|---|---|---|", *rows, "",
        "Measured at larger sizes (`python benchmarks/finite_width_accuracy.py`) and reported in the "
        "project's notes: the same three data sets at n = d = k = 128 and 256.", ""])


def index_page(rows: list[tuple[str, str, str, str]]) -> str:
    """The index: one row (slug, title, expression, verdict) per page."""
    table = [f"| [{title}]({slug}.md) | `{expression}` | {verdict} |"
             for slug, title, expression, verdict in rows]
    return "\n".join(
        [MARKER, "", "# Derivations", "",
         "Every file here is written by `freecalc derive` from the engine and checked by "
         "`freecalc derive --check` in the test suite.", "",
         "| result | expression | verdict |", "|---|---|---|", *table, ""]
    )
