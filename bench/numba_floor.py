"""The smallest cached Numba kernel: what any first call of a cached kernel costs.

``bench.child numba_floor`` times ``import numba`` and the first call of ``identity``
(compiled on the run before, then loaded from Numba's on-disk cache) in a fresh
process. That first cached call makes Numba set up its CPU target (its typing and
lowering registries) once per process, whatever the kernel, so import plus first call
is a floor under any first step that runs a JIT kernel; a first step that finds every
kernel built ahead of time (``autograd/kernels/aot.py``) does not pay it.
"""

from numba import njit


@njit(cache=True)
def identity(x):
    """``x``, compiled."""
    return x
