"""Data sets in files: ``.npz`` archives with arrays ``X`` (n x d) and ``y`` (n)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..errors import DataError
from .base import Dataset, validate_data

__all__ = ["load_npz", "save_npz"]


def load_npz(path: str | Path) -> Dataset:
    """Arrays ``X`` (n x d) and ``y`` (n) from an .npz file, validated."""
    file = Path(path)
    if not file.is_file():
        raise DataError(f"no such file: {path}")
    try:
        with np.load(file, allow_pickle=False) as archive:
            missing = [key for key in ("X", "y") if key not in archive.files]
            if missing:
                raise DataError(f"{path} has no array {missing[0]!r} (need X (n x d) and y (n))")
            X, y = archive["X"], archive["y"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as problem:
        raise DataError(f"cannot read {path} as .npz: {problem}") from None
    X, y = validate_data(X, y)
    return Dataset(X, y, file.name, {"path": str(file)})


def save_npz(data: Dataset, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``X`` and ``y`` to an .npz file; an existing file is kept unless ``overwrite``."""
    file = Path(path)
    if file.exists() and not overwrite:
        raise DataError(f"{path} exists; pass overwrite to replace it")
    np.savez(file, X=data.X, y=data.y)
    return file
