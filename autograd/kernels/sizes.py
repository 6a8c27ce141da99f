"""Size thresholds of the kernels, measured on 2-core machines (AVX-512; AVX2 where it says).

``PARALLEL_MIN``: at and above it a kernel splits its loop over Numba's threads
(``prange``); thread start-up costs microseconds, which pays only on large
arrays (a parallel sigmoid beats the serial one from ~3e4 float32 elements, a
memory-bound relu from ~1e5). But Numba's worker threads must get a core at once,
and on 2 cores they often cannot: right after an OpenBLAS matmul its idle workers
spin-wait, and a parallel relu on 131k elements that takes 8 µs alone took 6 ms
(median); on a machine busy with other processes a 20 µs parallel call was
measured at 2-12 ms. Making Numba's OpenMP threads sleep instead
(``OMP_WAIT_POLICY=PASSIVE``) removes the stall but costs 40-80 µs per parallel
region to wake them, more than a 1e5-element kernel gains. So the default is 1e6
elements, where a kernel's own work (~0.5 ms) dwarfs both; set
``GRAPHGRAD_PARALLEL_MIN`` in the environment (before ``import autograd``) to
move it, e.g. to 100000 on an otherwise idle machine that runs no matmuls.

``COMPILED_MIN``: below these sizes the dispatcher calls the NumPy reference,
because a compiled call costs ~1.5 µs more than a ufunc call. Measured on an
idle machine (float32, serial kernel vs NumPy ufunc): exp 1.7 vs 2.3 µs at 4096
elements and 22 vs 31 µs at 65536, tanh 1.7 vs 1.9 and 21 vs 24 µs: both win
from ~4e3 elements, like relu. NumPy's log stays faster than the serial kernel
(42 vs 38 µs at 1e5), so log runs compiled only where it runs in parallel. That
holds only where NumPy runs its AVX-512 log: on a CPU without AVX-512 (an AVX2
Zen 3 VM, 2026-11-30) NumPy's float32 exp and log are ~2.5x slower than the
serial kernels (log: 337 vs 129 µs at 1e5, 14 vs 6 µs at 4096), and log runs
compiled from 4096 elements like exp. The kernels that replace a chain of NumPy
passes (sigmoid, softplus, the backward ones) win from one element and have no
entry here.
"""

import os

PARALLEL_MIN = int(os.environ.get("GRAPHGRAD_PARALLEL_MIN", "1000000"))


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


COMPILED_MIN = {"exp": 4096, "log": PARALLEL_MIN if numpy_has_avx512() else 4096,
                "tanh": 4096, "relu": 4096}
