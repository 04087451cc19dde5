"""Two pieces of numpy work at once, on the two cores, for calls that release the GIL.

numpy drops the GIL inside its loops for non-object data (``einsum``'s sums, ``take``, most ufuncs;
``NPY_BEGIN_THREADS`` in its C sources), so a second Python thread runs such a call on the other core.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["on_two_threads"]

T = TypeVar("T")


def on_two_threads(first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """``(first(), second())``, ``first`` run in a new thread while ``second`` runs in this one.

    The new thread runs in a copy of the caller's context: numpy's error state (``np.errstate``, a context
    variable) holds there too.
    """
    result: list = []
    context = contextvars.copy_context()

    def run() -> None:
        try:
            result.append((True, context.run(first)))
        except BaseException as error:  # re-raised in the calling thread
            result.append((False, error))

    thread = threading.Thread(target=run, name="freecalc-half")
    thread.start()
    try:
        other = second()
    finally:
        thread.join()
    succeeded, value = result[0]
    if not succeeded:
        raise value
    return value, other
