"""Hypothesis strategies shared by the tests: words over free families, NC partitions."""

from __future__ import annotations

from hypothesis import strategies as st

from freecalc.combinatorics.noncrossing import nc_partitions
from freecalc.free.words import Families

TWO = Families.of("A,B", "R,S")
THREE = Families.of("A,B", "R", "S,T")


@st.composite
def words(draw, families: Families = TWO, min_size: int = 1, max_size: int = 8) -> tuple[str, ...]:
    """Words over the letters of ``families`` (any letter may repeat)."""
    alphabet = [x for group in families.groups for x in group]
    return tuple(draw(st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size)))


@st.composite
def nc_partition(draw, max_n: int = 9):
    n = draw(st.integers(min_value=1, max_value=max_n))
    return draw(st.sampled_from(nc_partitions(n)))


@st.composite
def trace_expressions(draw, families: Families = TWO, max_size: int = 6, max_terms: int = 2) -> str:
    """Linear combinations of traces of words, e.g. ``tr(A R B) - 2*tr(R^2 A)`` (the first sign may be -)."""
    parts = []
    for index in range(draw(st.integers(min_value=1, max_value=max_terms))):
        word = " ".join(draw(words(families, max_size=max_size)))
        coefficient = draw(st.sampled_from(["", "2*", "1/3*", "-", "-3/2*"]))
        if index and coefficient.startswith("-"):
            parts.append(f" - {coefficient[1:]}tr({word})")
        else:
            parts.append(f"{' + ' if index else ''}{coefficient}tr({word})")
    return "".join(parts)
