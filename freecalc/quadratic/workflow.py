"""The ``predict`` workflow as one library call: load -> statistics -> prediction -> observation.

:func:`run_prediction` takes a frozen :class:`PredictionConfig` (what the command line parsed) and returns a
:class:`PredictionRecord` (what it prints); the command line only formats it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..datasets import make_dataset
from ..datasets.base import FLOAT_TYPES
from ..datasets.io import data_shape, load_data
from ..errors import ParameterError
from ..numeric.display import Displayed
from ..numeric.resources import check_memory
from .network import sample_network, velocity_cnfc
from .predict import DataStatistics, RSource, parse_r_source
from .predict import predict as predict_on_data

if TYPE_CHECKING:
    from .finite_width import FiniteWidthPrediction, ObservedSpread

__all__ = ["PredictionConfig", "PredictionRecord", "predict", "regime_note", "run_prediction"]

FINITE_DRAWS = 400  # the reduced draws of finite_width_prediction's default
SMALL_SIZE = 16  # below this d or k, the large-size limit is a poor guide to one network


@dataclass(frozen=True)
class PredictionConfig:
    """Everything a prediction depends on; ``data_path`` (a data file or folder) replaces the data set."""

    dataset: str = "alignment-reversing"
    data_path: str | None = None
    n: int = 1024
    d: int = 1024
    k: int = 1024
    seed: int = 0
    balance: float = 0.3
    alpha: float = 1.0
    labels: str = "chain"
    rank: int = 5
    reversing_options: dict = field(default_factory=dict)  # construction options of alignment-reversing
    a_law: str = "gaussian"
    correlation: str = "cosine"
    r_source: RSource = RSource("analytic")
    observe: bool = False
    residual: bool = False
    finite_width: bool = False  # also predict the mean and spread across networks at this n, d, k
    max_steps: int | None = None  # with finite_width: its limit (None: finite_width_prediction's default)
    networks: int = 1  # with observe: the number of sampled networks measured

    def __post_init__(self) -> None:
        object.__setattr__(self, "r_source", parse_r_source(self.r_source))
        if self.networks < 1:
            raise ParameterError(f"--networks must be at least 1, got {self.networks}")


@dataclass(frozen=True)
class PredictionRecord(Displayed):
    """A prediction, and with ``observe`` the correlation measured on the sampled network."""

    config: PredictionConfig
    dataset: str
    dataset_params: dict
    n: int
    d: int
    predicted: float
    r_moments: tuple
    traces: dict
    observed: float | None = None
    finite: FiniteWidthPrediction | None = None
    spread: ObservedSpread | None = None

    @property
    def value(self) -> float:
        """The predicted C-NFC."""
        return self.predicted

    @property
    def regime_note(self) -> str | None:
        """Why the prediction may be far from one network at these sizes (:func:`regime_note`), or None."""
        return regime_note(self.n, self.d, self.config.k)

    def to_dict(self) -> dict:
        """The JSON payload of ``freecalc predict --json``."""
        out = {
            "predicted": self.predicted,
            "correlation": self.config.correlation,
            "dataset": self.dataset,
            "dataset_params": self.dataset_params,
            "n": self.n,
            "d": self.d,
            "k": self.config.k,
            "seed": self.config.seed,
            "r_source": str(self.config.r_source),
            "r_moments": list(self.r_moments),
            "traces": self.traces,
        }
        if self.observed is not None:
            out |= {"observed": self.observed, "abs_error": abs(self.predicted - self.observed),
                    "residual": self.config.residual}
        if self.finite is not None:
            f = self.finite
            out |= {"predicted_finite": f.mean, "predicted_sd": f.sd, "predicted_finite_se": f.mean_se,
                    "finite_width": {"rank": f.rank, "exact": f.exact, "tail_share": f.tail_share,
                                     "tail_rank": f.tail_rank,
                                     "draws": f.draws, "reliable": f.reliable}}
        if self.spread is not None:
            out |= {"observed_mean": self.spread.mean, "observed_sd": self.spread.sd,
                    "observed_se": self.spread.se, "networks": self.spread.networks}
        if self.regime_note:
            out["regime_note"] = self.regime_note
        return out


def regime_note(n: int, d: int, k: int) -> str | None:
    """Why a prediction at these sizes may be far from an observation, or None inside its regime.

    The closed forms are limits as d, k -> infinity with d/k and n/d fixed (paper, Section 4). With k = 1
    the velocity ``Wdot`` (k x d) has rank one, so ``Wdot^T Wdot`` and ``Wdot^T K Wdot`` are proportional
    and every observed C-NFC is exactly 1.

    >>> regime_note(1024, 1024, 1024) is None
    True
    >>> regime_note(100, 50, 1).startswith("k = 1")
    True
    """
    if k == 1:
        return ("k = 1: the velocity has rank one, so every observed C-NFC is exactly 1; the prediction is "
                "the limit d, k -> infinity")
    if min(d, k) < SMALL_SIZE:
        return (f"d = {d}, k = {k}: far from the large-size limit the prediction is made for "
                "(d, k -> infinity); --finite-width predicts at these sizes")
    return None


def _check_file_memory(config: PredictionConfig, observe: bool) -> None:
    """Refuse (one line) before reading a data file whose prediction would not fit in memory."""
    shape, dtype = data_shape(config.data_path)
    if len(shape) != 2 or 0 in shape:
        return  # reading the file reports the bad shape
    kept = np.dtype(dtype) in FLOAT_TYPES  # float32 and float64 are used as stored, others become float64
    check_memory(*shape, config.k, observe=observe, residual=config.residual and config.observe,
                 itemsize=np.dtype(dtype).itemsize if kept else 8,
                 loaded_itemsize=None if kept else np.dtype(dtype).itemsize, finite_width=config.finite_width,
                 hint="use a smaller --k or fewer samples or features")


def _load(config: PredictionConfig, needs_network: bool):
    """The data of the configuration: a file (its memory needs checked from its header first) or a set."""
    if config.data_path is not None:
        _check_file_memory(config, needs_network)
        return load_data(config.data_path, values=False)  # X's values are checked on X^T X (DataStatistics)
    check_memory(config.n, config.d, config.k, observe=needs_network,
                 residual=config.residual and config.observe, finite_width=config.finite_width)
    options = config.reversing_options if config.dataset == "alignment-reversing" else {}
    return make_dataset(config.dataset, n=config.n, d=config.d, seed=config.seed, balance=config.balance,
                        alpha=config.alpha, labels=config.labels, rank=config.rank, **options)


def run_prediction(config: PredictionConfig, *,
                   progress: Callable[[str, int], Callable[[int], None]] | None = None) -> PredictionRecord:
    """Load the data, form their statistics, predict, and (optionally) observe sampled networks.

    The data Grams formed for the prediction are reused by the observation and the finite-width prediction.
    ``progress(name, total)`` gives the callback that counts the units done of a long part (the reduced
    draws, the sampled networks), e.g. a progress bar's ``update``.
    """
    needs_network = config.observe or config.r_source.kind == "empirical"
    k = config.k
    data = _load(config, needs_network)
    stats = DataStatistics(data.X, data.y, config.correlation, keep_c_squared=config.finite_width)
    network = sample_network(data.d, k, a_law=config.a_law, seed=config.seed) if needs_network else None
    result = predict_on_data(data.X, data.y, k=k, r_source=config.r_source, a_law=config.a_law,
                             seed=config.seed, kind=config.correlation, network=network, statistics=stats)
    observed = finite = spread = None
    if config.observe:
        observed = velocity_cnfc(network, data.X, data.y, kind=config.correlation, residual=config.residual,
                                 grams=stats.grams)
    if config.finite_width:
        from .finite_width import finite_width_prediction  # the reduced draws, imported when asked for

        limit = {} if config.max_steps is None else {"max_steps": config.max_steps}
        finite = finite_width_prediction(data.X, data.y, k=k, a_law=config.a_law, kind=config.correlation,
                                         seed=config.seed, draws=FINITE_DRAWS, grams=stats.grams,
                                         c_squared=stats.c_squared, **limit,
                                         progress=progress and progress("finite-width draws", FINITE_DRAWS))
    if config.observe and config.networks > 1:
        from .finite_width import observe_networks

        spread = observe_networks(data.X, data.y, k=k, networks=config.networks, a_law=config.a_law,
                                  kind=config.correlation, seed=config.seed, grams=stats.grams,
                                  progress=progress and progress("networks", config.networks))
    return PredictionRecord(config, data.name, data.params, data.n, data.d, result.predicted,
                            result.r_moments, result.traces, observed, finite, spread)


def predict(dataset: str = "alignment-reversing", *, data: str | None = None, progress=None,
            **options) -> PredictionRecord:
    """The closed-form early-time C-NFC on a named data set or a data file (``freecalc predict``).

    ``options`` are the fields of :class:`PredictionConfig` (``n``, ``d``, ``k``, ``seed``, ``balance``,
    ``correlation``, ``r_source``, ``observe``, ``finite_width``, ``networks``, ...); ``data`` is a data
    file or folder (:func:`freecalc.datasets.load_data`) in place of the data set.

    >>> record = predict("isotropic", n=64, d=32, k=32)
    >>> 0 < record.value < 1 and record.to_dict()["d"] == 32
    True
    """
    return run_prediction(PredictionConfig(dataset=dataset, data_path=data, **options), progress=progress)
