"""``freecalc`` and ``python -m freecalc``: settings of the process, then the command line (:mod:`.cli`).

OpenBLAS's worker threads keep spinning on their cores for ``2^OPENBLAS_THREAD_TIMEOUT`` cycles after each
call (2^28 by default, about 0.1 s) before they sleep; the variable is read once, when numpy loads OpenBLAS,
and clamped to 4..30 (OpenBLAS, ``driver/others/blas_server.c``, ``blas_thread_init``). A freecalc command
alternates large BLAS products with numpy's own loops, which run on both cores too
(:mod:`freecalc.numeric.threads`); the spinning takes one of the two cores from them. The command line
therefore sets the shortest timeout (2^4 cycles) unless the user has set one: measured with farm-bench,
``freecalc predict --data F.npz --k 1024 --observe`` on CIFAR-sized data, two sets of 9 paired runs:
median wall 0.98 and 0.99 of the default's, processor time 0.92 and 0.93; a float32 3072 x 3072 trace sum
right after a product, 12.3 -> 6.5 ms. Waking the workers instead costs microseconds a call. Python users
of the library keep their own settings: only the command sets it, before anything imports numpy.

The cyclic garbage collector is paused while the modules are imported, and their objects are then moved to
its permanent generation (:func:`gc.freeze`), as are all objects left when the command ends: the imports
create tens of thousands of objects that live as long as the process, and traversing them again in the
collections triggered by the imports and in the collection at interpreter exit cost about 5 and 16 ms of
``freecalc predict`` (CPython's ``Py_FinalizeEx`` collects all generations but the permanent one). The
objects are still released at exit; nothing the command creates escapes collection while it runs.
"""

from __future__ import annotations

import gc
import os

__all__ = ["main", "process_settings"]

BLAS_THREAD_TIMEOUT = "4"  # OpenBLAS's smallest: workers sleep after 2^4 cycles


def process_settings() -> None:
    """Environment of a command run, set where the user has not set it (module notes)."""
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", BLAS_THREAD_TIMEOUT)


def main(argv: list[str] | None = None) -> None:
    """``freecalc ...``: the process settings, then :func:`freecalc.cli.main` (module notes)."""
    process_settings()
    gc.disable()
    try:
        from .cli import main as run_command_line  # imports numpy, which reads the settings
    finally:
        gc.freeze()  # the modules' objects: never collected, not even at exit
        gc.enable()
    try:
        run_command_line(argv)
    finally:
        gc.freeze()  # what the command left: the exit skips collecting it


if __name__ == "__main__":
    main()
