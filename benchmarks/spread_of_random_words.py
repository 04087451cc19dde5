"""Observed against predicted spread of `check` over random words (figures printed in one run).

For 20 seeded random words in two or three families (length 2..6, both groups), `check` at d = 40 with 400
Haar rotations measures the standard deviation of the word across rotations and predicts it (exact
Weingarten variance), then 4 longer words at d = 200 where the second-order limit is used when the
Weingarten sum is too large. Prints each ratio observed /
predicted, their median and range, and how many spread verdicts agree.

    python benchmarks/spread_of_random_words.py
"""

from __future__ import annotations

import numpy as np

from freecalc.numeric.montecarlo import check
from freecalc.testing import spread_matrices

FAMILIES = (["A,B", "R"], ["A,B", "R", "S"])


def random_word(rng: np.random.Generator, families: list[str]) -> tuple[str, ...]:
    letters = [x for group in families for x in group.split(",")]
    while True:
        word = tuple(rng.choice(letters, size=int(rng.integers(2, 7))))
        fams = {next(i for i, g in enumerate(families) if x in g.split(",")) for x in word}
        if len(fams) > 1:
            return word


def main() -> None:
    rng = np.random.default_rng(2026)
    ratios, agree = [], 0
    print(f"{'word':<24}{'group':<12}{'observed sd':>12}{'predicted sd':>14}{'ratio':>8}  method")
    for index in range(20):
        families = FAMILIES[index % 2]
        group = ("unitary", "orthogonal")[(index // 2) % 2]
        word = random_word(rng, families)
        letters = sorted({x for g in families for x in g.split(",")})
        result = check("tr(" + " ".join(word) + ")", families, spread_matrices(letters, 40, seed=index),
                       rotations=400, seed=index, group=group)
        ratio = result.observed_sd / result.predicted_sd
        ratios.append(ratio)
        agree += bool(result.spread_agrees)
        print(f"{' '.join(word):<24}{group:<12}{result.observed_sd:>12.4g}{result.predicted_sd:>14.4g}"
              f"{ratio:>8.3f}  {result.spread_method}")
    print("longer words, where the exact variance may be too costly and the second-order limit is used "
          "(d = 200):")
    longer = (("tr(A R B R A R B R)", ["A,B", "R"], "orthogonal"),
              ("tr(A R B R A R B R)", ["A,B", "R"], "unitary"),
              ("tr(A R A R A R A R)", ["A", "R"], "orthogonal"),
              ("tr(A R B S A R B S)", ["A,B", "R", "S"], "unitary"))
    for index, (text, families, group) in enumerate(longer):
        letters = sorted({x for g in families for x in g.split(",")})
        result = check(text, families, spread_matrices(letters, 200, seed=100 + index), rotations=400,
                       seed=100 + index, group=group)
        ratio = result.observed_sd / result.predicted_sd
        ratios.append(ratio)
        agree += bool(result.spread_agrees)
        print(f"{text:<24}{group:<12}{result.observed_sd:>12.4g}{result.predicted_sd:>14.4g}{ratio:>8.3f}  "
              f"{result.spread_method}")
    ratios = np.array(ratios)
    print(f"observed / predicted spread over {len(ratios)} words: median {np.median(ratios):.3f}, "
          f"range [{ratios.min():.3f}, {ratios.max():.3f}]; spread verdicts agree: {agree}/{len(ratios)}")


if __name__ == "__main__":
    main()
