"""Markdown templates of the derivation pages: text around computed findings, and nothing computed here.

Each function takes a finding of :mod:`.findings` or :mod:`.proposition8` and returns the page; every
verdict, ratio and count of standard errors is a field of the finding. This module imports neither sympy
nor numpy.
"""

from __future__ import annotations

from .catalogue import MARKER, PAPER

__all__ = ["trace_page", "r_law_page", "eq8_page", "proposition8_page", "index_page"]


def _families(families) -> str:
    return " and ".join("{" + f + "}" for f in families)


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
        f"seed {mc.seed}, matrices `default_matrices(seed={mc.matrix_seed})`): observed {mc.observed:.4g} "
        f"± {mc.stderr:.2g} (stderr); engine {mc.predicted:.4g}"
        + (f" (free limit; exact Haar average at d = {mc.dim}: {mc.exact:.6g})" if mc.exact is not None
           else "")
        + f"; tolerance {mc.tolerance:.2g} → {'agrees' if mc.agrees else 'DISAGREES'}.")
    if f.printed_value is not None:
        gap = f.printed_gap_in_se * mc.stderr
        lines.append(f"The paper's printed form on the same matrices: {f.printed_value:.4g}, off by {gap:.3g}"
                     f" = {f.printed_gap_in_se:.0f} standard errors.")
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
    for d, k, c, p, exact, mean, se in f.rows:
        lines.append(f"| {d} | {k} | {c} | {p} | {exact:.4g} | {mean:.4g} ± {se:.2g} |")
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
        f"- engine traces: tr(GH) = {f.gh:.6g}, tr(G²) = {f.gg:.6g}, tr(H²) = {f.hh:.6g}",
        f"- eq. (6): {f.eq6:.4f}", f"- eq. (8) as printed: {f.eq8:.4g}",
        f"- sampled networks: {f.mean:.4f} ± {f.stderr:.4f} (stderr); eq. (6) is {f.eq6_gap_in_se:.1f} and "
        f"eq. (8) {f.eq8_gap_in_se:.0f} standard errors away.", ""])


def _mc_row(row, printed: str) -> str:
    return (f"| {row.k} | {row.nfm_z:.1f} | {row.ratio:.3f} ± {row.ratio_se:.3f} | {row.exact_ratio:.3f} | "
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
