"""Size thresholds of the kernels, measured on the 2-core AVX-512 machines.

``PARALLEL_MIN``: at and above it a kernel splits its loop over Numba's threads
(``prange``); thread start-up costs microseconds, which pays only on large
arrays (a parallel sigmoid beats the serial one from ~3e4 float32 elements, a
memory-bound relu from ~1e5). But on a machine whose cores are busy with other
processes (a shared server, a test suite running in parallel), Numba's worker
threads wait for a core and a parallel call that takes 20 µs unloaded was
measured at 2-12 ms. So the default is 1e6 elements, where a kernel's own work
(~0.5 ms) dwarfs the start-up and a loaded machine costs little; set
``GRAPHGRAD_PARALLEL_MIN`` in the environment (before ``import autograd``) to
move it, e.g. to 100000 on an otherwise idle machine.

``COMPILED_MIN``: below these sizes the dispatcher calls the NumPy reference.
NumPy's exp, log and tanh are SIMD ufuncs as fast per element as the serial
kernels, and a compiled call costs ~1.5 µs more, so those three run compiled
only where they run in parallel; relu's kernel wins from ~4e3 elements. The
kernels that replace a chain of NumPy passes (sigmoid, softplus, the backward
ones) win from one element and have no entry here.
"""

import os

PARALLEL_MIN = int(os.environ.get("GRAPHGRAD_PARALLEL_MIN", "1000000"))

COMPILED_MIN = {"exp": PARALLEL_MIN, "log": PARALLEL_MIN, "tanh": PARALLEL_MIN, "relu": 4096}
