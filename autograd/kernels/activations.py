"""Compiled forward kernels: exp, log and the activations.

Each kernel fills ``out[i] = f(x[i])`` over flat, C-contiguous float32/float64
arrays of equal size (``dispatch.py`` prepares them). The last argument,
``parallel``, chooses between the serial loop and the ``prange`` loop that
splits the work over Numba's threads; the dispatcher passes
``size >= sizes.PARALLEL_MIN`` (never, unless the environment opts in). It is an
argument, not a global, because Numba freezes globals into the cached machine code,
so a changed threshold would not reach kernels compiled before. Below
``sizes.COMPILED_MIN`` the dispatcher runs NumPy's ufuncs for exp, log, tanh and
relu instead (``sizes.py`` says why). The
scalar formulas are the ``_name`` helpers, inlined into the loops so LLVM
vectorizes them; the fastmath flags are those ``fastmath.py`` allows.
"""

from __future__ import annotations

import math

from numba import njit, prange
from numba.core.cpu import ParallelOptions

from . import fastmath as fm

# Only the prange loops run on Numba's threads. parallel=True would also turn every array
# expression (np.zeros, a.sum(axis=0), a * b) into a parallel region that runs on every
# call, whatever the `parallel` argument; right after an OpenBLAS matmul each such region
# waits for a core (the pool fight in sizes.py): batch_norm_stats of a (64, 128) batch
# took 8.5 ms instead of ~10 µs. (An options object, not a dict: Numba pops the keys of
# a dict it is given.)
PRANGE_ONLY = ParallelOptions({"prange": True, "comprehension": False, "reduction": False,
                               "inplace_binop": False, "setitem": False, "numpy": False,
                               "stencil": False, "fusion": False})
JIT = dict(cache=True, parallel=PRANGE_ONLY, error_model="numpy", fastmath={"contract"})
SCALAR = dict(inline="always", error_model="numpy", fastmath={"contract"})


@njit(**SCALAR)
def _sigmoid(x):
    c = fm.consts(x)
    e = fm.exp(-abs(x))
    return (c.one if x >= c.zero else e) / (c.one + e)


@njit(**SCALAR)
def _tanh(x):
    c = fm.consts(x)
    em1 = fm.expm1_nonpositive(-c.two * abs(x))
    return math.copysign(-em1 / (c.two + em1), x)


@njit(**SCALAR)
def _relu(x):
    c = fm.consts(x)
    return c.zero if x <= c.zero else x


@njit(**SCALAR)
def _leaky_relu(x, slope):
    return x if x > fm.consts(x).zero else x * slope


@njit(**SCALAR)
def _softplus(x):
    c = fm.consts(x)
    return (x if x > c.zero else c.zero) + fm.log1p_unit(fm.exp(-abs(x)))


@njit(**JIT)
def exp(x, out, parallel):
    """``out = e^x``."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = fm.exp(x[i])
    else:
        for i in prange(n):
            out[i] = fm.exp(x[i])


@njit(**JIT)
def log(x, out, parallel):
    """``out = log(x)``."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = fm.log(x[i])
    else:
        for i in prange(n):
            out[i] = fm.log(x[i])


@njit(**JIT)
def sigmoid(x, out, parallel):
    """``out = 1/(1 + e^-x)``, as ``1/(1 + e^-|x|)`` or ``e^-|x|/(1 + e^-|x|)``."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = _sigmoid(x[i])
    else:
        for i in prange(n):
            out[i] = _sigmoid(x[i])


@njit(**JIT)
def tanh(x, out, parallel):
    """``out = tanh(x) = sign(x)·(1 - e^-2|x|)/(1 + e^-2|x|)``, via expm1 near 0."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = _tanh(x[i])
    else:
        for i in prange(n):
            out[i] = _tanh(x[i])


@njit(**JIT)
def relu(x, out, parallel):
    """``out = max(x, 0)`` (nan stays nan)."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = _relu(x[i])
    else:
        for i in prange(n):
            out[i] = _relu(x[i])


@njit(**JIT)
def leaky_relu(x, slope, out, parallel):
    """``out = x if x > 0 else slope·x``; ``slope`` has x's dtype."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = _leaky_relu(x[i], slope)
    else:
        for i in prange(n):
            out[i] = _leaky_relu(x[i], slope)


@njit(**JIT)
def softplus(x, out, parallel):
    """``out = log(1 + e^x) = max(x, 0) + log1p(e^-|x|)``."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = _softplus(x[i])
    else:
        for i in prange(n):
            out[i] = _softplus(x[i])
