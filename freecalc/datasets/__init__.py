"""Data sets for the C-NFC, by name: a registry of generators, one module per data set, and file input/output.

* ``alignment-reversing`` (:mod:`.alignment_reversing`, paper arXiv:2402.05271, Appendix F, made well posed);
* ``isotropic``, ``power-law`` and ``chain-monomial`` (:mod:`.gaussian`, Appendix D and eq. (2));
* files: ``.npz`` with arrays ``X`` and ``y``, or ``X.npy`` and ``y.npy`` (:mod:`.io`).

:func:`make_dataset` builds any of them by name; :data:`REGISTRY` says which options each one reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ParameterError
from .alignment_reversing import alignment_reversing
from .base import Dataset, validate_data
from .gaussian import LABELS, chain_monomial_labels, gaussian_dataset
from .io import data_shape, load_data, save_npz

__all__ = [
    "DATASETS",
    "LABELS",
    "REGISTRY",
    "Dataset",
    "DatasetEntry",
    "alignment_reversing",
    "chain_monomial_labels",
    "gaussian_dataset",
    "load_data",
    "data_shape",
    "make_dataset",
    "save_npz",
    "validate_data",
]


@dataclass(frozen=True)
class DatasetEntry:
    """A named data set: its generator ``build(n, d, seed, **options)`` and the options it reads."""

    name: str
    build: Callable[..., Dataset]
    options: tuple[str, ...]
    summary: str


def _chain_monomial(n: int, d: int, seed, *, rank: int = 5) -> Dataset:
    data = gaussian_dataset(n, d, labels="chain", rank=rank, seed=seed)
    return Dataset(data.X, data.y, "chain-monomial", data.params)


_REVERSING_OPTIONS = ("balance", "eps1", "eps2", "spike", "ridge", "invert", "label_offset", "literal")

REGISTRY: dict[str, DatasetEntry] = {
    entry.name: entry
    for entry in (
        DatasetEntry("alignment-reversing",
                     lambda n, d, seed, balance=0.3, **o: alignment_reversing(n, d, balance, seed=seed, **o),
                     _REVERSING_OPTIONS, "Appendix F: label-1 rows and rows inverting their Gram matrix"),
        DatasetEntry("isotropic", lambda n, d, seed, **o: gaussian_dataset(n, d, seed=seed, **o),
                     ("labels", "rank"), "rows N(0, I)"),
        DatasetEntry("power-law", lambda n, d, seed, alpha=1.0, **o: gaussian_dataset(n, d, alpha=alpha,
                                                                                       seed=seed, **o),
                     ("alpha", "labels", "rank"), "rows N(0, Q diag(1/(1 + j^alpha)) Q^T), Q Haar"),
        DatasetEntry("chain-monomial", _chain_monomial, ("rank",), "isotropic rows, labels of eq. (2)"),
    )
}
DATASETS = tuple(REGISTRY)


def make_dataset(name: str, *, n: int, d: int, seed=0, balance: float = 0.3, alpha: float = 1.0,
                 labels: str = "chain", rank: int = 5, **options) -> Dataset:
    """A data set by name; each reads its own options (:data:`REGISTRY`) and ignores the shared ones it lacks.

    ``options`` beyond balance, alpha, labels and rank are the construction options of
    :func:`alignment_reversing` and apply to it only.
    """
    entry = REGISTRY.get(name)
    if entry is None:
        raise ParameterError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    if options and name != "alignment-reversing":
        raise ParameterError(f"options {sorted(options)} apply only to alignment-reversing")
    shared = {"balance": balance, "alpha": alpha, "labels": labels, "rank": rank}
    chosen = {key: value for key, value in shared.items() if key in entry.options} | options
    return entry.build(n, d, seed, **chosen)
