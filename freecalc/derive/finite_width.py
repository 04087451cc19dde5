"""The finite-width C-NFC, computed: each step of the reduction checked, and the prediction against networks.

Steps of :mod:`freecalc.quadratic.reduced_draws` (with :mod:`freecalc.quadratic.finite_width`):

1. the C-NFC's traces as traces of the k x k matrices ``A = diag(a^2)``, ``M = W C^2 W^T``, ``N = W B W^T``,
   checked on one sampled network against the d x d matrices ``G = C R C``, ``H = C R B R C``;
2. the split of ``M`` and ``N`` along a subspace ``V``, checked on the same network, and the cross
   directions left out of the draws, by the shift they make in step 4 (with shared random numbers);
3. the free tail: ``E Tr(A M A M)`` with almost all of ``C`` outside ``V``, averaged by the free moment
   formula, against the exact value ``Tr(S^2) (1 + 5/k) + 3 Tr(S)^2 / k`` (``S = C^2``, Gaussian ``a``,
   Wick's theorem), by seeded draws;
4. the prediction (mean and sd across networks) on three data sets at n = d = k = 64 against sampled
   networks, beside the first-order (free) prediction of :func:`freecalc.quadratic.predict.predict`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FiniteWidthFinding", "finite_width_finding", "SIZE", "NETWORKS", "RANK", "DRAWS"]

SIZE, NETWORKS, RANK, DRAWS = 64, 400, 24, 2000
TAIL_D, TAIL_K, TAIL_DRAWS = 60, 200, 4000
DATA = (("alignment-reversing", "chain"), ("power-law", "chain"), ("isotropic", "quadratic"))
Z_LIMIT, SD_RANGE = 3.0, (0.75, 4 / 3)
CROSS_LIMIT = 0.25  # largest shift of the mean from leaving out minor cross directions, in observed se


@dataclass(frozen=True)
class AccuracyRow:
    """Observed and predicted C-NFC on one data set."""

    data: str
    observed: float
    observed_se: float
    observed_sd: float
    first_order: float
    finite: float
    finite_se: float
    finite_sd: float
    tail_share: float
    reliable: bool
    all_cross: float  # finite-width mean with every cross direction sampled (same random numbers)
    no_cross: float  # ... with none
    finite_sd_se: float = float("nan")  # Monte Carlo standard error of finite_sd

    @property
    def observed_sd_se(self) -> float:
        """Standard error of the observed sd over :data:`NETWORKS` networks, ``sd / sqrt(2 (n - 1))``."""
        return self.observed_sd / float(np.sqrt(2 * (NETWORKS - 1)))

    @property
    def cross_shift(self) -> float:
        """(default - every cross direction) in standard errors of the observed mean."""
        return (self.finite - self.all_cross) / self.observed_se

    @property
    def no_cross_shift(self) -> float:
        """(no cross direction - every one) in standard errors of the observed mean."""
        return (self.no_cross - self.all_cross) / self.observed_se

    @property
    def first_gap(self) -> float:
        """(first order - observed mean) in standard errors of the observed mean."""
        return (self.first_order - self.observed) / self.observed_se

    @property
    def finite_gap(self) -> float:
        """(finite - observed mean) in combined standard errors."""
        return (self.finite - self.observed) / float(np.hypot(self.observed_se, self.finite_se))

    @property
    def sd_ratio(self) -> float:
        """Predicted over observed standard deviation across networks."""
        return self.finite_sd / self.observed_sd


@dataclass(frozen=True)
class FiniteWidthFinding:
    """The checks of the steps and the accuracy table."""

    identity_errors: dict[str, float]  # step 1: relative differences, k x k against d x d
    split_error: float  # step 2: relative difference of M from its four parts
    tail_exact: float  # step 3
    tail_mean: float
    tail_se: float
    rows: tuple[AccuracyRow, ...]
    settings: dict  # sizes, seeds and tolerances, for the page

    @property
    def tail_z(self) -> float:
        """(averaged - exact) in standard errors of the draws."""
        return (self.tail_mean - self.tail_exact) / self.tail_se

    @property
    def verdict(self) -> str:
        """``checked`` when every step and every row is within its stated tolerance."""
        steps = max(self.identity_errors.values()) < 1e-10 and self.split_error < 1e-10
        tail = abs(self.tail_z) < 4
        rows = all(abs(r.finite_gap) <= Z_LIMIT and SD_RANGE[0] <= r.sd_ratio <= SD_RANGE[1]
                   and abs(r.cross_shift) <= CROSS_LIMIT for r in self.rows)
        failed = [name for name, ok in (("steps", steps), ("tail", tail), ("accuracy", rows)) if not ok]
        return "checked" if not failed else "fails: " + ", ".join(failed)


def _identities(rng) -> tuple[dict[str, float], float]:
    """Steps 1 and 2 on one network: relative differences of the k x k forms from the d x d ones."""
    from ..quadratic.network import sample_network

    n, d, k = 50, 30, 20
    X, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    C, B = X.T @ (y[:, None] * X), X.T @ X
    net = sample_network(d, k, seed=rng)
    W, A = net.W, np.diag(net.a**2)
    R = W.T @ A @ W
    G, H = C @ R @ C, C @ R @ B @ R @ C
    M, N = W @ C @ C @ W.T, W @ B @ W.T
    v = W @ C @ np.ones(d)
    pairs = {"Tr(GH) = Tr(AMANAM)": (np.trace(G @ H), np.trace(A @ M @ A @ N @ A @ M)),
             "Tr(G²) = Tr(AMAM)": (np.trace(G @ G), np.trace(A @ M @ A @ M)),
             "Tr(H²) = Tr(ANAMANAM)": (np.trace(H @ H), np.trace(A @ N @ A @ M @ A @ N @ A @ M)),
             "1ᵀG1 = vᵀAv": (np.ones(d) @ G @ np.ones(d), v @ A @ v),
             "1ᵀH1 = vᵀANAv": (np.ones(d) @ H @ np.ones(d), v @ A @ N @ A @ v)}
    errors = {name: float(abs(a - b) / abs(a)) for name, (a, b) in pairs.items()}
    basis = np.linalg.qr(rng.standard_normal((d, d)))[0]
    V, V2 = basis[:, :6], basis[:, 6:]
    W1, W2, S = W @ V, W @ V2, C @ C
    X_M = W2 @ (V2.T @ S @ V)
    parts = W1 @ (V.T @ S @ V) @ W1.T + W1 @ X_M.T + X_M @ W1.T + W2 @ (V2.T @ S @ V2) @ W2.T
    return errors, float(np.abs(parts - M).max() / np.abs(M).max())


def _tail(rng) -> tuple[float, float, float]:
    """Step 3: the exact E Tr(A M A M) and the mean and stderr of the averaged draws."""
    from ..quadratic.reduced_draws import reduced_draws

    d, k = TAIL_D, TAIL_K
    X = rng.standard_normal((5 * d, d)) * np.linspace(1, 0.3, d)
    y = np.sign(rng.standard_normal(5 * d))
    C, B = X.T @ (y[:, None] * X), X.T @ X
    V = np.linalg.qr(rng.standard_normal((d, 2)))[0]  # almost all of C outside V
    values = reduced_draws(C, B, V, k=k, draws=TAIL_DRAWS, rng=rng).traces["nfm_square"] * d  # Tr(AMAM)
    S = C @ C
    exact = float(np.trace(S @ S) * (1 + 5 / k) + 3 * np.trace(S) ** 2 / k)
    return exact, float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))


def _accuracy() -> tuple[AccuracyRow, ...]:
    """Step 4: observed over sampled networks against the first-order and the finite-width predictions."""
    from ..datasets import make_dataset
    from ..quadratic.finite_width import finite_width_prediction
    from ..quadratic.network import data_grams, sample_network, velocity_cnfc
    from ..quadratic.predict import predict

    rows = []
    for name, labels in DATA:
        data = make_dataset(name, n=SIZE, d=SIZE, labels=labels, seed=1)
        grams = data_grams(data.X, data.y)
        observed = np.array([velocity_cnfc(sample_network(SIZE, SIZE, seed=1000 + i), data.X, data.y,
                                           grams=grams) for i in range(NETWORKS)])
        first = predict(data.X, data.y, k=SIZE).predicted
        fw, every, none = (finite_width_prediction(data.X, data.y, k=SIZE, draws=DRAWS, max_rank=RANK, seed=0,
                                                   **options) for options in ({}, {"cross_tolerance": 0.0},
                                                                             {"cross_tolerance": np.inf}))
        rows.append(AccuracyRow(name, float(observed.mean()), float(observed.std(ddof=1) / np.sqrt(NETWORKS)),
                                float(observed.std(ddof=1)), first, fw.mean, fw.mean_se, fw.sd, fw.tail_share,
                                fw.reliable, every.mean, none.mean, fw.sd_se))
    return tuple(rows)


def finite_width_finding() -> FiniteWidthFinding:
    """Every check of the page, seeded."""
    from ..quadratic.finite_width import NEGLIGIBLE_TAIL
    from ..quadratic.reduced_draws import CROSS_TOLERANCE

    errors, split = _identities(np.random.default_rng(7))
    exact, mean, se = _tail(np.random.default_rng(8))
    settings = {"size": SIZE, "networks": NETWORKS, "rank": RANK, "draws": DRAWS, "tail_d": TAIL_D,
                "tail_k": TAIL_K, "tail_draws": TAIL_DRAWS, "z_limit": Z_LIMIT, "sd_range": SD_RANGE,
                "cross_limit": CROSS_LIMIT, "cross_tolerance": CROSS_TOLERANCE,
                "negligible_tail": NEGLIGIBLE_TAIL}
    return FiniteWidthFinding(errors, split, exact, mean, se, _accuracy(), settings)
