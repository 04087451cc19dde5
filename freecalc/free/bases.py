"""The bases a closed form is written in: the kinds of family-local atoms of its terms.

* ``moments``: family-local traces ``tr(w)`` (the default; canonical).
* ``centered``: every letter written as ``x = x̄ + tr(x)``; atoms are first moments ``tr(x)`` and traces of
  words in centered letters ``tr(x̄ ȳ ...)`` (the paper's ``tr(Ā B̄)`` form); canonical.
* ``cumulants``: multivariate free cumulants of letters (Nica & Speicher, Lecture 11); canonical.
* ``mixed``: free cumulants of the first declared family (with the word's maximal same-family blocks as
  arguments) times moments of the others: the form of Nica & Speicher's Theorem 14.4 (*Lectures on the
  Combinatorics of Free Probability*), with exactly Catalan(n) terms for n alternations of distinct letters.
"""

__all__ = ["BASES"]

BASES = ("moments", "centered", "cumulants", "mixed")
