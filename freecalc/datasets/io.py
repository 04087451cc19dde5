"""Data sets in files: inputs ``X`` (n x d) and labels ``y`` (n).

Three layouts are read:

* an ``.npz`` archive with arrays ``X`` and ``y`` (:func:`numpy.savez`), read by :func:`numpy.load` (the
  zip reader checks each member's CRC-32);
* a folder holding ``X.npy`` and ``y.npy``;
* an ``X.npy`` file with ``y.npy`` beside it.

A ``.npy`` X is memory-mapped read-only (``mmap_mode="r"``): data too large to copy are read from the file
as they are used. Shapes and types are read from the headers first (:func:`data_shape`, with
:mod:`numpy.lib.format`), so that the memory a prediction needs is checked before anything large is read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..errors import DataError
from .base import Dataset, validate_data

__all__ = ["load_data", "data_shape", "save_npz"]

_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError)


def _array_files(path: str | Path) -> tuple[Path, Path] | Path:
    """``(X.npy, y.npy)`` for a folder or an X.npy file, the archive's path for an .npz; else DataError."""
    file = Path(path)
    if file.is_dir():
        pair = (file / "X.npy", file / "y.npy")
        if not all(member.is_file() for member in pair):
            raise DataError(f"{path} is a folder without X.npy and y.npy")
        return pair
    if not file.exists():
        raise DataError(f"no such file: {path}")
    if not file.is_file():
        raise DataError(f"{path} is not a regular file")
    if file.suffix == ".npy":
        labels = file.with_name("y.npy")
        if file.name != "X.npy" or not labels.is_file():
            raise DataError(f"{path}: a .npy file of inputs must be named X.npy, with its labels in y.npy "
                            "beside it")
        return file, labels
    return file


def _npy_header(handle) -> tuple[tuple[int, ...], np.dtype]:
    reader = _HEADER_READERS.get(np.lib.format.read_magic(handle))
    if reader is None:
        raise ValueError("unsupported .npy format version")
    shape, _, dtype = reader(handle)
    return tuple(shape), dtype


def data_shape(path: str | Path) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and type of ``X`` in a data file or folder (module notes), read from its header only.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> np.save(os.path.join(folder, "X.npy"), np.zeros((3, 2), np.float32))
    >>> np.save(os.path.join(folder, "y.npy"), np.ones(3))
    >>> data_shape(folder)
    ((3, 2), dtype('float32'))
    """
    files = _array_files(path)
    try:
        if isinstance(files, tuple):
            with open(files[0], "rb") as handle:
                return _npy_header(handle)
        with zipfile.ZipFile(files) as archive:
            _require(path, [name.removesuffix(".npy") for name in archive.namelist()], "X")
            with archive.open("X.npy") as handle:
                return _npy_header(handle)
    except DataError:
        raise
    except _READ_ERRORS as problem:
        raise DataError(f"cannot read {path} as data (.npz with X and y): {problem}") from None


def _require(path, keys, *wanted: str) -> None:
    """A one-line DataError unless the archive at ``path`` (its array names ``keys``) holds ``wanted``."""
    for key in wanted:
        if key not in keys:
            raise DataError(f"{path} has no array {key!r} (need X (n x d) and y (n))")


def load_data(path: str | Path, *, values: bool = True) -> Dataset:
    """Arrays ``X`` (n x d) and ``y`` (n) from an .npz file, a folder or an X.npy file (module notes).

    A float32 X stays float32; a ``.npy`` X is memory-mapped read-only. ``values=False`` leaves X's values
    unchecked (shapes and y are checked), for a caller that checks them on ``X^T X``
    (:func:`freecalc.quadratic.predict.data_matrices`) and so saves a pass over X. Complex, object or
    unreadable arrays raise a one-line DataError.
    """
    files = _array_files(path)
    try:
        if isinstance(files, tuple):
            X = np.load(files[0], mmap_mode="r", allow_pickle=False)
            y = np.load(files[1], allow_pickle=False)
            origin = files[0].parent
        else:
            with np.load(files, allow_pickle=False) as archive:
                _require(path, archive.files, "X", "y")
                X, y = archive["X"], archive["y"]
            origin = files
    except DataError:
        raise
    except _READ_ERRORS as problem:
        raise DataError(f"cannot read {path} as data (.npz with X and y): {problem}") from None
    X, y = validate_data(X, y, values=values)
    return Dataset(X, y, origin.name, {"path": str(origin)})


def save_npz(data: Dataset, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``X`` and ``y`` to an .npz file; an existing file is kept unless ``overwrite``."""
    file = Path(path)
    if file.exists() and not overwrite:
        raise DataError(f"{path} exists; pass overwrite to replace it")
    np.savez(file, X=data.X, y=data.y)
    return file
