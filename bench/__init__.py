"""graphgrad's benchmark suite: ``python -m bench`` (``--quick`` for a smoke run).

Sections: the MLP training step side by side with the course's hand-written NumPy
step and PyTorch eager (``step``), elementwise and fused ops and per-op overhead
(``ops``), import and first-step times (``cold``), graph memory and RSS over many
steps (``memory``) and the OpenBLAS core-type lever (``blas``). Results go to
``bench/results.json``, ``bench/RESULTS.md`` and ``bench/step.png``.

Every contender runs with the same thread count: the variables below are set before
NumPy (or PyTorch) loads, and ``autograd`` is imported first so that its BLAS choice
(``autograd.blas``) applies to this process as it would to a user's script.
"""

import os

THREADS = 2
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))

import autograd  # noqa: E402, F401  (before NumPy: applies autograd.blas)
