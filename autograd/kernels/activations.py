"""Compiled forward kernels: exp, log, erf, erfc and the activations.

Each kernel fills ``out[i] = f(x[i])`` over flat, C-contiguous float32/float64
arrays of equal size (``dispatch.py`` prepares them); the ``_inplace`` forms of exp,
sigmoid, tanh and relu write ``x[i] = f(x[i])`` over one array. The last argument,
``parallel``, chooses between the serial loop and the ``prange`` loop that
splits the work over Numba's threads; the dispatcher passes
``size >= sizes.PARALLEL_MIN`` (``sizes.py``, ``pool.py``). It is an
argument, not a global, because Numba freezes globals into the cached machine code,
so a changed threshold would not reach kernels compiled before. Below
``sizes.COMPILED_MIN`` the dispatcher runs NumPy's ufuncs for exp, log, tanh and
relu instead (``sizes.py`` says why). The
scalar formulas are the ``_name`` helpers, inlined into the loops so LLVM
vectorizes them; the fastmath flags are those ``fastmath.py`` allows. erf and erfc are
``fastmath.erf``/``erfc``; GELU writes ``x·Φ(x)`` with ``Φ(-|x|) = ½e^(-x²/2)·erfcx(|x|/√2)``
(``fastmath.erfcx2``), so it stays accurate where it is tiny.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import fastmath as fm
from .numba_setup import ParallelOptions, njit, prange

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
_BLOCKS = 16  # blocks of a parallel loop that keeps a flag per block (a multiple of 2 threads)


class GeluConsts(NamedTuple):
    """The typed constants of the GELU kernels for one float dtype."""

    x_lim: float  # |x| is clamped to it: √2·erfc's clamp, where Φ(-|x|)·|x| is 0
    rsqrt2_hi: float  # 1/√2 = rsqrt2_hi + rsqrt2_lo
    rsqrt2_lo: float
    rsqrt2pi_hi: float  # 1/√(2π) = rsqrt2pi_hi + rsqrt2pi_lo
    rsqrt2pi_lo: float
    a_hi: float  # 2·√(2/π) = a_hi + a_lo: the tanh form's 2u = x·(a + b·x²)
    a_lo: float
    b_hi: float  # 2·√(2/π)·0.044715 = b_hi + b_lo
    b_lo: float
    b3: float  # 3·b: d(2u)/dx = a + 3b·x²


_RSQRT2 = "0.707106781186547524400844362104849039284835937688474"
_RSQRT2PI = "0.398942280401432677939946059934381868475858631164935"
_A = "1.595769121605730711759784239737527473903434524659739"  # 2·√(2/π)
_B = "0.071354816272600248776338752279863540995592074770160"  # 2·√(2/π)·0.044715


def _gelu_consts(f: type, erf: fm.ErfConsts) -> GeluConsts:
    rsqrt2, rsqrt2pi, a, b = (fm.double_word(v, f) for v in (_RSQRT2, _RSQRT2PI, _A, _B))
    return GeluConsts(x_lim=f(float(erf.tail_max) * math.sqrt(2.0)), rsqrt2_hi=rsqrt2[0],
                      rsqrt2_lo=rsqrt2[1], rsqrt2pi_hi=rsqrt2pi[0], rsqrt2pi_lo=rsqrt2pi[1],
                      a_hi=a[0], a_lo=a[1], b_hi=b[0], b_lo=b[1], b3=f(3 * float(_B)))


gelu_consts = fm.per_dtype(_gelu_consts(np.float32, fm.ERF32), _gelu_consts(np.float64, fm.ERF64))


@njit(**SCALAR)
def _sigmoid(x):
    # 1/(1 + e) or e/(1 + e), e = e^-|x|, with numerator and denominator both times
    # c.scale: e·scale needs one power-of-two factor where e itself may be subnormal
    # (fastmath.exp_nonpositive_scaled), and scaling both by a power of two leaves the
    # quotient's bits as they were (float32 sigmoid over 1e5: ~10% fewer vector ops).
    c = fm.consts(x)
    e = fm.exp_nonpositive_scaled(-abs(x))
    return (c.scale if x >= c.zero else e) / (c.scale + e)


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


@njit(**SCALAR)
def _clamp(x, limit):
    """x within ±limit; nan stays nan."""
    x = -limit if x < -limit else x
    return limit if x > limit else x


@njit(**SCALAR)
def _normal_tail(x):
    """``(k, m_hi, m_lo, hi, lo)`` with ``Φ(-|x|) = ½·e^(-x²/2)·erfcx(|x|/√2)`` (Φ the standard
    normal CDF), ``(k, m_hi, m_lo)`` the ``exp_split`` of ``-x²/2`` and ``erfcx(|x|/√2) =
    hi + lo``, for |x| <= x_lim.
    ``|x|/√2`` and ``x²/2`` are each carried to twice the dtype's precision."""
    c = fm.consts(x)
    g = gelu_consts(x)
    a = abs(x)
    y = a * g.rsqrt2_hi
    y_lo = fm.fma(a, g.rsqrt2_hi, -y) + a * g.rsqrt2_lo
    h = c.half * x
    s = h * x
    k, m_hi, m_lo = fm.exp_split(-s, -fm.fma(h, x, -s))
    hi, lo = fm.erfcx2(y, y_lo)
    return k, m_hi, m_lo, hi, lo


@njit(**SCALAR)
def _gelu(x):
    # x·Φ(x) = -|x|·Φ(-|x|) for x < 0, x - |x|·Φ(-|x|) for x >= 0.
    c = fm.consts(x)
    xc = _clamp(x, gelu_consts(x).x_lim)
    k, m_hi, m_lo, hi, lo = _normal_tail(xc)
    h = c.half * abs(xc)
    p = h * hi
    tail = fm.mul_exp2(p, fm.fma(h, hi, -p) + h * lo, k, m_hi, m_lo)
    return -tail if x < c.zero else x - tail


@njit(**SCALAR)
def _gelu_tanh_parts(x):
    """``(xc, xc·v', v < 0, k, m_hi, m_lo, e)`` for x clamped to ±x_lim: ``v = 2u = xc·(a +
    b·xc²)`` is formed to twice the dtype's precision, ``(k, m_hi, m_lo)`` is the
    ``exp_split`` of ``-|v|`` and e its value, and ``xc·v' = xc·(a + 3b·xc²) = v + 2b·xc³``."""
    c = fm.consts(x)
    g = gelu_consts(x)
    xc = _clamp(x, g.x_lim)
    p = xc * xc
    bp = g.b_hi * p
    bp_lo = fm.fma(g.b_hi, p, -bp) + (g.b_hi * fm.fma(xc, xc, -p) + g.b_lo * p)
    w = g.a_hi + bp
    z = w - g.a_hi
    w_lo = ((g.a_hi - (w - z)) + (bp - z)) + (g.a_lo + bp_lo)  # a + b·x² = w + w_lo
    v = xc * w
    v_lo = fm.fma(xc, w, -v) + xc * w_lo
    negative = v < c.zero
    k, m_hi, m_lo = fm.exp_split(v if negative else -v, v_lo if negative else -v_lo)
    e = fm.mul_exp(c.one, k, m_hi, m_lo)
    return xc, v + (v_lo + c.two * (bp * xc)), negative, k, m_hi, m_lo, e


@njit(**SCALAR)
def _gelu_tanh(x):
    # ½x(1 + tanh u) = x·σ(2u): x/(1 + e^-v) for v >= 0, x·e^v/(1 + e^v) for v < 0.
    c = fm.consts(x)
    xc, _, negative, k, m_hi, m_lo, e = _gelu_tanh_parts(x)
    if negative:
        return fm.mul_exp(xc / (c.one + e), k, m_hi, m_lo)
    return x / (c.one + e)


@njit(inline="always")
def _outside_normal(x):
    c = fm.consts(x)
    return 0 if (x >= c.normal_lo) & (x <= c.normal_hi) else 1


@njit(**JIT)
def exp(x, out, parallel):
    """``out = e^x``: ``fastmath.exp_unchecked`` over the whole array, counting the inputs
    outside its range (|x| beyond ~87 in float32, ~707 in float64, and nan), then
    ``fastmath.exp`` again for those if there are any. The same bits as ``exp``
    everywhere; ~28% less time when no input is outside (float32, 1e5: 33 → 24 µs).
    (``exp_inplace`` has no second look at its input and keeps ``exp``.)"""
    n = x.size
    outside = 0
    if not parallel:
        for i in range(n):
            out[i] = fm.exp_unchecked(x[i])
            outside += _outside_normal(x[i])
    else:
        for i in prange(n):
            out[i] = fm.exp_unchecked(x[i])
            outside += _outside_normal(x[i])
    if outside:
        for i in range(n):
            if _outside_normal(x[i]):
                out[i] = fm.exp(x[i])


@njit(inline="always")
def _log_block(x, out):
    """``out = log(x)`` over one block (slices of the arrays: indices from 0 let LLVM
    vectorize the loop, which block bounds inside a ``prange`` body do not)."""
    normal = True
    for i in range(x.size):
        v = x[i]
        out[i] = fm.log_positive_normal(v)
        normal &= fm.is_positive_normal(v)
    if not normal:
        for i in range(x.size):
            if not fm.is_positive_normal(x[i]):
                out[i] = fm.log(x[i])


@njit(**JIT)
def log(x, out, parallel):
    """``out = log(x)``: ``fastmath.log_positive_normal`` over a block, noting whether every
    input of it is a positive normal number, then ``fastmath.log`` again for the others
    (zero, subnormal, negative, inf, nan) if there are any: the same bits as ``fastmath.log``
    everywhere, in ~25% less time where every input is normal (1e5 elements, serial:
    float32 42 → 31 µs, float64 118 → 97). The parallel loop takes ``_BLOCKS`` blocks."""
    n = x.size
    if not parallel:
        _log_block(x, out)
    else:
        blocks = min(n, _BLOCKS)
        for b in prange(blocks):
            start, stop = b * n // blocks, (b + 1) * n // blocks
            _log_block(x[start:stop], out[start:stop])


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


# The in-place forms: one array, read and written at the same index. Passed twice to the
# kernels above (out = x), the loops run scalar: LLVM's runtime check finds the two
# arrays overlapping and takes its unvectorized fallback (sigmoid over 131k float32
# 877 µs against 134 µs into another array).


@njit(**JIT)
def exp_inplace(x, parallel):
    """``x = e^x`` over x's memory."""
    n = x.size
    if not parallel:
        for i in range(n):
            x[i] = fm.exp(x[i])
    else:
        for i in prange(n):
            x[i] = fm.exp(x[i])


@njit(**JIT)
def sigmoid_inplace(x, parallel):
    """``x = 1/(1 + e^-x)`` over x's memory."""
    n = x.size
    if not parallel:
        for i in range(n):
            x[i] = _sigmoid(x[i])
    else:
        for i in prange(n):
            x[i] = _sigmoid(x[i])


@njit(**JIT)
def tanh_inplace(x, parallel):
    """``x = tanh(x)`` over x's memory."""
    n = x.size
    if not parallel:
        for i in range(n):
            x[i] = _tanh(x[i])
    else:
        for i in prange(n):
            x[i] = _tanh(x[i])


@njit(**SCALAR)
def _relu_stored(x):
    # _relu, but the kept value is x + 0 (the same bits: x > 0 or nan here), so LLVM does
    # not see the store of an unchanged x[i] and skip it: a conditional store does not
    # vectorize (relu over 131k float32 in place ~80 µs, 9 µs with every element stored).
    c = fm.consts(x)
    return c.zero if x <= c.zero else x + c.zero


@njit(**JIT)
def relu_inplace(x, parallel):
    """``x = max(x, 0)`` over x's memory (nan stays nan)."""
    n = x.size
    if not parallel:
        for i in range(n):
            x[i] = _relu_stored(x[i])
    else:
        for i in prange(n):
            x[i] = _relu_stored(x[i])


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


@njit(**JIT)
def erf(x, out, parallel):
    """``out = erf(x) = 2/√π ∫₀ˣ e^(-t²) dt`` (``fastmath.erf``)."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = fm.erf(x[i])
    else:
        for i in prange(n):
            out[i] = fm.erf(x[i])


@njit(**JIT)
def erfc(x, out, parallel):
    """``out = erfc(x) = 1 - erf(x)``, accurate where it is tiny (``fastmath.erfc``)."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = fm.erfc(x[i])
    else:
        for i in prange(n):
            out[i] = fm.erfc(x[i])


@njit(**JIT)
def gelu(x, out, parallel):
    """``out = x·Φ(x) = ½x(1 + erf(x/√2))``, as ``x - |x|·Φ(-|x|)`` (x >= 0) or ``-|x|·Φ(-|x|)``
    with ``Φ(-|x|) = ½e^(-x²/2)·erfcx(|x|/√2)``: accurate where it is tiny."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = _gelu(x[i])
    else:
        for i in prange(n):
            out[i] = _gelu(x[i])


@njit(**JIT)
def gelu_tanh(x, out, parallel):
    """``out = ½x(1 + tanh u) = x·σ(2u)``, ``u = √(2/π)(x + 0.044715x³)``, with ``e^(-|2u|)``."""
    n = x.size
    if not parallel:
        for i in range(n):
            out[i] = _gelu_tanh(x[i])
    else:
        for i in prange(n):
            out[i] = _gelu_tanh(x[i])
