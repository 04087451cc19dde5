"""Data sets in files: ``.npz`` archives with arrays ``X`` (n x d) and ``y`` (n).

On request (``load_npz(..., mapped=True)``), an ``X`` stored uncompressed (``np.savez``) as native float32
or float64 is memory-mapped copy-on-write straight from its offset in the archive, after its CRC-32 is
checked, instead of being copied through the zip reader by :func:`numpy.load` (0.3 to 1.8 s for a 600 MB
CIFAR-sized array on a loaded 2-core machine, against 0.05 s mapped and checked: the CRC-32 is ISA-L's,
through ``isal``, a quarter of ``zlib.crc32``'s time); :func:`mapped_npz` leaves that check to its caller,
to run in a second thread beside single-threaded work. The layout read is the ZIP local file header
(PKWARE APPNOTE.TXT, section 4.3.7) followed by the ``.npy`` header (:mod:`numpy.lib.format`); anything
else (compressed, encrypted, other types) goes through :func:`numpy.load`.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np

try:  # zlib's CRC-32 (the same values), about 4 times faster: Intel ISA-L through python-isal
    from isal.isal_zlib import crc32
except ImportError:  # pragma: no cover - isal is a dependency; an environment without it still reads files
    from zlib import crc32

from ..errors import DataError
from ..numeric.threads import on_two_threads
from .base import FLOAT_TYPES, Dataset, validate_data

__all__ = ["load_npz", "mapped_npz", "PendingCheck", "save_npz", "npz_shape"]

T = TypeVar("T")

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, 22 bytes of versions to sizes, name and extra lengths
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
_CRC_CHUNK = 1 << 26


def _member(archive: zipfile.ZipFile, path, key: str) -> zipfile.ZipInfo:
    try:
        return archive.getinfo(f"{key}.npy")
    except KeyError:
        raise DataError(f"{path} has no array {key!r} (need X (n x d) and y (n))") from None


def _stored_layout(file: Path, info: zipfile.ZipInfo) -> tuple[int, int, tuple, bool, np.dtype] | None:
    """(member start, data offset, shape, fortran order, dtype) of a stored ``.npy`` member, else None."""
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        return None
    with open(file, "rb") as handle:
        handle.seek(info.header_offset)
        signature, name_length, extra_length = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
        if signature != b"PK\x03\x04":
            return None
        start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
        handle.seek(start)
        reader = _HEADER_READERS.get(np.lib.format.read_magic(handle))
        if reader is None:
            return None
        shape, fortran, dtype = reader(handle)
        offset = handle.tell()
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if dtype.hasobject or offset - start + size != info.file_size:
        return None
    return start, offset, shape, fortran, dtype


def npz_shape(path: str | Path) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and type of the array ``X`` in an .npz file, read from its header without loading it.

    Lets the memory needed be checked (:func:`freecalc.numeric.resources.check_memory`) before anything
    large is read; a one-line DataError when the file is missing or not an .npz archive with an ``X``.
    """
    file = _existing(path)
    try:
        with zipfile.ZipFile(file) as archive:
            info = _member(archive, path, "X")
            layout = _stored_layout(file, info)
            if layout is not None:
                return tuple(layout[2]), layout[4]
            with archive.open(info) as handle:
                reader = _HEADER_READERS.get(np.lib.format.read_magic(handle))
                if reader is not None:
                    shape, _, dtype = reader(handle)
                    return tuple(shape), dtype
        with np.load(file, allow_pickle=False) as archive:  # a rare header version: read the array
            X = archive["X"]
            return X.shape, X.dtype
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, struct.error) as problem:
        raise DataError(f"cannot read {path} as .npz: {problem}") from None


def _existing(path) -> Path:
    file = Path(path)
    if not file.is_file():
        raise DataError(f"no such file: {path}")
    return file


def _mapped(file: Path, info: zipfile.ZipInfo, path) -> tuple[np.ndarray, Callable[[], None]] | None:
    """A stored float member memory-mapped copy-on-write, and the check of its CRC-32; else None.

    The check is a call that raises DataError when the data do not match the CRC-32 stored in the archive.
    """
    layout = _stored_layout(file, info)
    if layout is None or layout[4] not in FLOAT_TYPES or 0 in layout[2]:
        return None
    start, offset, shape, fortran, dtype = layout
    with open(file, "rb") as handle:
        handle.seek(start)
        header_crc = crc32(handle.read(offset - start))  # the CRC covers the .npy header and the data
        order = "F" if fortran else "C"
        array = np.memmap(handle, dtype=dtype, mode="c", offset=offset, shape=shape, order=order)
    raw = array.reshape(-1, order="A").view(np.uint8)

    def check() -> None:
        crc = header_crc
        for chunk in range(0, raw.size, _CRC_CHUNK):
            crc = crc32(raw[chunk:chunk + _CRC_CHUNK], crc)
        if crc != info.CRC:
            raise DataError(f"cannot read {path} as .npz: bad CRC-32 for X.npy (the file is corrupt)")

    return np.asarray(array), check


def _read(path, mapped: bool, values: bool) -> tuple[Dataset, Callable[[], None] | None]:
    """The data of an .npz file, and the CRC-32 check still to run on a memory-mapped X (else None)."""
    file = _existing(path)
    check = None
    try:
        with zipfile.ZipFile(file) as archive:
            X_info, _ = _member(archive, path, "X"), _member(archive, path, "y")
        X = _mapped(file, X_info, path) if mapped else None
        if X is not None:
            X, check = X
        with np.load(file, allow_pickle=False) as archive:
            X = archive["X"] if X is None else X
            y = archive["y"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, struct.error) as problem:
        raise DataError(f"cannot read {path} as .npz: {problem}") from None
    X, y = validate_data(X, y, values=values)
    return Dataset(X, y, file.name, {"path": str(file)}), check


def load_npz(path: str | Path, *, mapped: bool = False, values: bool = True) -> Dataset:
    """Arrays ``X`` (n x d) and ``y`` (n) from an .npz file, validated.

    ``values=False`` leaves X's values unchecked (shapes and y are checked), for a caller that checks them
    on ``X^T X`` (:func:`freecalc.quadratic.predict.data_matrices`) and so saves a pass over X.

    A float32 X stays float32. With ``mapped``, an uncompressed float X is memory-mapped copy-on-write
    (module notes), which costs no copy but ties X to the file: rewriting or truncating the file while X is
    in use corrupts X or kills the process (SIGBUS), so only a short-lived caller such as
    :func:`freecalc.quadratic.workflow.run_prediction` should ask for it.
    """
    data, check = _read(path, mapped, values)
    if check is not None:
        check()
    return data


class PendingCheck:
    """A check still to run, once: in a second thread beside other work, or at the latest by :meth:`run`."""

    def __init__(self, check: Callable[[], None] | None) -> None:
        self._check = check

    def beside(self, work: Callable[[], T]) -> T:
        """``work()``, with the check (if it has not run) meanwhile in a second thread.

        A failed check raises its error in place of anything ``work`` returned or raised.
        """
        check, self._check = self._check, None
        if check is None:
            return work()

        def outcome() -> tuple[bool, object]:
            try:
                return True, work()
            except BaseException as error:  # re-raised below, unless the check failed
                return False, error

        _, (finished, value) = on_two_threads(check, outcome)  # a failed check raises here
        if not finished:
            raise value
        return value

    def run(self) -> None:
        """The check, here and now, unless it has run."""
        check, self._check = self._check, None
        if check is not None:
            check()


@contextmanager
def mapped_npz(path: str | Path, *, values: bool = True) -> Iterator[tuple[Dataset, PendingCheck]]:
    """:func:`load_npz` with ``mapped=True``, and X's CRC-32 check still to run (a :class:`PendingCheck`).

    The check reads all of X once (0.04 s for 600 MB) on one core: the block can run it beside its own
    single-threaded work (``check.beside(work)``), on the core that work leaves idle; leaving the block runs
    it if it has not run. A bad CRC-32 raises DataError in place of anything the block raised, so the block
    must not report anything computed from X before it ends. The same caveat as ``mapped`` applies.
    E.g. ``with mapped_npz(path) as (data, check): ... net = check.beside(lambda: sample_network(d, k))``.
    """
    data, check = _read(path, True, values)
    pending = PendingCheck(check)
    try:
        yield data, pending
    finally:
        pending.run()  # raises the DataError of a bad CRC-32


def save_npz(data: Dataset, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``X`` and ``y`` to an .npz file; an existing file is kept unless ``overwrite``."""
    file = Path(path)
    if file.exists() and not overwrite:
        raise DataError(f"{path} exists; pass overwrite to replace it")
    np.savez(file, X=data.X, y=data.y)
    return file
