"""Size thresholds of the kernels, measured on 2-core machines (AVX-512; AVX2 where it says).

``PARALLEL_MIN``: at and above it a kernel splits its loop over Numba's threads
(``prange``). ``GRAPHGRAD_PARALLEL_MIN`` in the environment (read at ``import autograd``)
sets it: unset or ``auto``, the automatic choice of ``pool.py`` (``PARALLEL_AUTO``):
``AUTO_PARALLEL_MIN`` elements where the loops share MKL's Intel OpenMP threads with the
products, never elsewhere; ``never``; or a number of elements. A parallel kernel alone
is faster (from ~3e4 float32 elements for a sigmoid, ~1e5 for a memory-bound relu;
1.3-1.5x at 1e7), but in a training step whose products run on OpenBLAS it runs between
them, and on 2 cores the two thread pools stall each other: OpenBLAS's idle workers
spin for a while after each matmul, and Numba's threads must wait for a core (a
parallel relu on 131k elements that takes 8 µs alone took 6 ms right after a matmul).
Making either pool sleep sooner (``OMP_WAIT_POLICY=PASSIVE``,
``OPENBLAS_THREAD_TIMEOUT``) costs a wake-up per call that eats the gain
(``bench/README.md``). Measured on an AVX2 Zen 3 VM (2026-11-30), Adam training steps of
wide MLPs were faster with every kernel serial than with a threshold of 1e6:
784-2048-2048-10 at batch 512 142 vs 202 ms, at batch 128 53 vs 67 ms; 784-1024-1024-10
at batch 1024 100 vs 139 ms; 784-4096-4096-10 at batch 256 (its Adam over 16.7M
parameters) 265-291 vs 291-311 ms with parallel kernels from 1e7. So without MKL every
kernel stays serial unless the user sets a threshold, e.g.
``GRAPHGRAD_PARALLEL_MIN=100000`` for work without matmuls on an otherwise idle machine.

``COMPILED_MIN``: below these sizes the dispatcher calls the NumPy reference, because a
compiled call costs ~1.5 µs more than a ufunc call. Measured on an idle machine
(float32, serial kernel vs NumPy ufunc): exp 1.7 vs 2.3 µs at 4096 elements and 22 vs 31
µs at 65536, tanh 1.7 vs 1.9 and 21 vs 24 µs: both win from ~4e3 elements, like relu.
Against NumPy's AVX-512 log the serial kernel wins by less than its call costs below
~3e4 float32 elements (through the dispatcher, Ice Lake VM, 2026-12-03: 8.1 vs 7.0 µs at
16384; the kernel alone 31 vs 42 µs at 1e5), so log runs compiled only where it runs in
parallel. That holds only where NumPy runs its AVX-512 log: on a CPU without AVX-512 (an
AVX2 Zen 3 VM, 2026-11-30) NumPy's float32 exp and log are ~2.5x slower than the serial
kernels (log: 337 vs 129 µs at 1e5, 14 vs 6 µs at 4096), and log runs compiled from 4096
elements like exp. ``mul_backward`` (the product's two gradients in one pass instead of
two multiplies) saves less per element than its call costs (~2 µs with its two output
arrays, against ~0.6 µs for two ufunc calls) below ~2^16 elements: float32 22.2 vs 21.0
µs at 1e5, 89.7 vs 67.1 at 4e5, 13.0 vs 13.3 at 65536 (AVX-512 Zen 5, 2026-12-02). The
kernels that replace a chain of NumPy passes (sigmoid, softplus, the backward ones) win
from one element and have no entry here.
"""

import os
import sys
from collections.abc import Mapping

NEVER = sys.maxsize


AUTO_PARALLEL_MIN = 32_768  # PyTorch's grain for elementwise loops; measured in ``pool.py``


def parallel_min_from_env(environ: Mapping[str, str] = os.environ) -> tuple[int, bool]:
    """``GRAPHGRAD_PARALLEL_MIN`` as ``(threshold, auto)``: unset, empty or ``auto`` gives
    ``(AUTO_PARALLEL_MIN, True)`` (parallel loops where ``pool.py`` finds the thread pool
    shared with the products), ``never`` gives ``(NEVER, False)`` and a positive number of
    elements ``(count, False)``."""
    raw = environ.get("GRAPHGRAD_PARALLEL_MIN", "")
    value = raw.strip().lower()
    if value in ("", "auto"):
        return AUTO_PARALLEL_MIN, True
    if value == "never":
        return NEVER, False
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise ValueError(f"GRAPHGRAD_PARALLEL_MIN={raw!r} is not 'auto', 'never' or a positive "
                         "whole number of elements: set it to e.g. 100000, to 'never' to keep "
                         "every kernel serial, or unset it (auto)")
    return count, False


PARALLEL_MIN, PARALLEL_AUTO = parallel_min_from_env()


def numpy_has_avx512() -> bool:
    """Whether NumPy's SIMD loops can use AVX-512 on this CPU (False when unknown)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # NumPy 1.x
        try:
            from numpy.core._multiarray_umath import __cpu_features__
        except ImportError:
            return False
    return bool(__cpu_features__.get("AVX512F"))


# ``matmul`` runs ``a @ wᵀ`` as ``(w @ aᵀ)ᵀ`` up to this many rows of a (measured there).
SWAPPED_PRODUCT_ROWS = 32
# ``matmul`` runs ``gᵀ @ x`` as ``(xᵀ @ g)ᵀ`` on MKL below this many columns of x (there).
SWAPPED_PRODUCT_COLUMNS = 32

COMPILED_MIN = {"exp": 4096, "log": PARALLEL_MIN if numpy_has_avx512() else 4096,
                "tanh": 4096, "relu": 4096, "mul_backward": 65536}


def set_parallel_min(count: int, auto: bool = False) -> None:
    """Set ``PARALLEL_MIN`` (``NEVER``: every kernel serial), whether it is the automatic
    choice (``PARALLEL_AUTO``), and log's ``COMPILED_MIN``, which follows it where NumPy
    has AVX-512."""
    global PARALLEL_MIN, PARALLEL_AUTO
    PARALLEL_MIN, PARALLEL_AUTO = count, auto
    if numpy_has_avx512():
        COMPILED_MIN["log"] = count
