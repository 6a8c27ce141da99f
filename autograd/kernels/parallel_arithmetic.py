"""Parallel loops for arithmetic NumPy runs on one thread: ``a + b``, ``a - b``, ``a·b``,
``a / b``, a copy.

NumPy's ufuncs already run these as fast as a serial loop can, so they are compiled only
for their parallel form: ``dispatch.arithmetic`` calls them for two C-contiguous arrays
of one shape and float dtype from ``sizes.PARALLEL_MIN`` elements, when parallel loops
run (``pool.py``), and NumPy otherwise. A single IEEE operation per element, so the bits
are NumPy's. Each loop also counts the results that are not finite; where there are any,
the dispatcher computes the result again with NumPy's ufunc, so that its warnings (an
overflow, a division by zero, an invalid ``0/0`` or ``inf - inf``) come as at every
other size. Memory-bound: on an Ice Lake VM (2026-12-03) a float32 product of 1e5
elements, out of L2, took ~35 µs on one thread (bench/README finding 43).
"""

from __future__ import annotations

from .activations import JIT, SCALAR
from .numba_setup import njit, prange


@njit(**SCALAR)
def _not_finite(r):
    d = r - r  # 0 for a finite r, nan for ±inf and nan
    return d != d


@njit(**JIT)
def add(a, b, out):
    """``out = a + b``; returns how many results are not finite."""
    count = 0
    for i in prange(out.size):
        r = a[i] + b[i]
        out[i] = r
        count += _not_finite(r)
    return count


@njit(**JIT)
def subtract(a, b, out):
    """``out = a - b``; returns how many results are not finite."""
    count = 0
    for i in prange(out.size):
        r = a[i] - b[i]
        out[i] = r
        count += _not_finite(r)
    return count


@njit(**JIT)
def multiply(a, b, out):
    """``out = a·b``; returns how many results are not finite."""
    count = 0
    for i in prange(out.size):
        r = a[i] * b[i]
        out[i] = r
        count += _not_finite(r)
    return count


@njit(**JIT)
def divide(a, b, out):
    """``out = a / b``; returns how many results are not finite."""
    count = 0
    for i in prange(out.size):
        r = a[i] / b[i]
        out[i] = r
        count += _not_finite(r)
    return count


@njit(**JIT)
def copy(a, out):
    for i in prange(out.size):
        out[i] = a[i]
