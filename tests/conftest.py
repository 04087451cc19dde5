"""Hypothesis profiles: ``ci`` (the default) is derandomized, so every run draws the same examples and a
failure replays; ``explore`` draws fresh examples each run. Both print the blob that reproduces a failure
(``@reproduce_failure``). Choose with ``HYPOTHESIS_PROFILE=explore python -m pytest``."""

import os

# One BLAS thread per process: the suite runs in two processes on two cores (pytest -n 2), and threaded BLAS
# in each would oversubscribe them. Set before numpy is first imported by a test module.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("explore", derandomize=False, print_blob=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
