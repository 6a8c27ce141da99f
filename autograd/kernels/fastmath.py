"""Vectorizable ``exp``, ``expm1``, ``log`` and ``log1p`` (on [0, 1]) for Numba kernels.

Numba lowers ``math.exp``/``np.exp`` to a libm call, which LLVM cannot
vectorize, so a loop over it runs one element at a time. These functions are
written with only arithmetic, comparisons and bit reinterpretation, so a loop
calling them compiles to SIMD code. Each works on a float32 or a float64
scalar and computes in that precision (the constants are typed per dtype, so a
float32 loop never widens to float64).

exp (range reduction plus polynomial)::

    x = k·ln2 + r,  k = round(x / ln2),  |r| <= ln2/2
    exp(x) = 2^k · (1 + expm1(r)),  expm1(r) = r + r²·P(r)

with ``ln2`` split in a short high part (so ``k·ln2_hi`` is exact) and a low
part, ``P`` the Taylor series of ``(e^r - 1 - r)/r²`` cut where its remainder is
below 0.1 ulp (degree 5 for float32, 11 for float64), and ``2^k`` built from
its exponent bits. Measured: float32 within 1 ulp of the correctly rounded
result, float64 within 1 ulp of libm (see tests/autograd/test_kernels.py).

log (exponent split plus atanh series)::

    x = m·2^e,  sqrt(1/2) <= m < sqrt(2),  f = m - 1,  s = f / (2 + f)
    log(x) = e·ln2 + log(m),  log(m) = 2·atanh(s) = f - s·(f - R(s²))

with ``R(z) = Σ 2·z^j/(2j+1)`` (4 terms for float32, 10 for float64).

Special values follow IEEE and NumPy: exp overflows to inf, underflows
through the subnormals to 0, ``exp(-inf) = 0``; ``log(0) = -inf``,
``log(x < 0) = nan``, ``log(inf) = inf``; nan gives nan everywhere. The
kernels that call these must not compile with ``fastmath`` flags that assume
no nan/inf ('nnan', 'ninf') or allow reassociation ('reassoc', which would undo
the rounding trick); 'contract' (fused multiply-add) is safe.

Numba's on-disk cache checks only the file of the cached function: after
editing this file, delete the ``__pycache__/*.nbi``/``*.nbc`` files of the
kernel modules that call it.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from typing import NamedTuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, overload

# --------------------------------------------------------------- bit casts
_INT_OF = {32: types.int32, 64: types.int64}


@intrinsic
def float_bits(typingctx, x):
    """The IEEE bits of a float32/float64 as an int32/int64 (no conversion)."""
    if isinstance(x, types.Float) and x.bitwidth in _INT_OF:
        width = x.bitwidth

        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], ir.IntType(width))

        return _INT_OF[width](x), codegen
    return None


@intrinsic
def float_from_bits(typingctx, i, like):
    """The float of ``like``'s dtype whose IEEE bits are the low bits of the integer ``i``.

    Numba widens int32 arithmetic to int64; this truncates back to the float's width,
    so float32 code stays 32-bit wide.
    """
    if (isinstance(i, types.Integer) and isinstance(like, types.Float)
            and like.bitwidth in _INT_OF):
        width = like.bitwidth

        def codegen(context, builder, sig, args):
            v = args[0]
            if i.bitwidth > width:
                v = builder.trunc(v, ir.IntType(width))
            elif i.bitwidth < width:
                v = builder.sext(v, ir.IntType(width))
            return builder.bitcast(v, context.get_value_type(like))

        return like(i, like), codegen
    return None


# --------------------------------------------------------------- constants
_LN2 = Decimal("0.69314718055994530941723212145817656807550013436026")
_LOG2E = Decimal("1.44269504088896340735992468100189213742664595415299")


class Consts(NamedTuple):
    """The typed constants of one float dtype."""

    zero: float
    one: float
    half: float
    two: float
    sqrt_two: float
    log2e: float
    ln2_hi: float  # ln2 cut to few bits: k·ln2_hi is exact for every k the dtype needs
    ln2_lo: float  # ln2 - ln2_hi
    shifter: float  # 1.5·2^mantissa_bits: x + shifter rounds x to an integer
    shifter_bits: int
    exp_lo: float  # below: exp(x) rounds to 0
    exp_hi: float  # above: exp(x) overflows
    expm1_lo: float  # below: expm1(x) rounds to -1
    expm1_poly: tuple  # (e^r - 1 - r)/r² = Σ c_j r^j, c_j = 1/(j+2)!
    log_poly: tuple  # R(z)/z = Σ c_j z^j, c_j = 2/(2j+3)
    tiny: float  # smallest normal number
    subnormal_scale: float  # 2^mantissa_bits
    mantissa_bits: int
    exponent_bias: int
    mantissa_mask: int
    inf: float
    nan: float


def _consts(ftype: type, itype: type, ln2_hi_bits: int, exp_degree: int,
            log_terms: int) -> Consts:
    finfo = np.finfo(ftype)
    mbits = finfo.nmant
    mant, ex = np.frexp(float(_LN2))
    ln2_hi = float(np.ldexp(np.floor(np.ldexp(mant, ln2_hi_bits)), int(ex) - ln2_hi_bits))
    with localcontext() as ctx:
        ctx.prec = 50
        ln2_lo = float(_LN2 - Decimal(ln2_hi))
    f = ftype
    shifter = f(1.5 * 2.0**mbits)
    return Consts(
        zero=f(0), one=f(1), half=f(0.5), two=f(2), sqrt_two=f(np.sqrt(2.0)),
        log2e=f(float(_LOG2E)), ln2_hi=f(ln2_hi), ln2_lo=f(ln2_lo),
        shifter=shifter, shifter_bits=itype(shifter.view(itype)),
        exp_lo=f(np.log(float(finfo.smallest_subnormal)) - 1.0),
        exp_hi=f(np.log(float(finfo.max)) + 1.0),
        expm1_lo=f(-(mbits + 3) * float(_LN2)),
        expm1_poly=tuple(f(1.0 / math.factorial(j + 2)) for j in range(exp_degree + 1)),
        log_poly=tuple(f(2.0 / (2 * j + 3)) for j in range(log_terms)),
        tiny=f(finfo.tiny), subnormal_scale=f(2.0**mbits), mantissa_bits=itype(mbits),
        exponent_bias=itype(finfo.maxexp - 1), mantissa_mask=itype((1 << mbits) - 1),
        inf=f(np.inf), nan=f(np.nan),
    )


C32 = _consts(np.float32, np.int32, ln2_hi_bits=12, exp_degree=5, log_terms=4)
C64 = _consts(np.float64, np.int64, ln2_hi_bits=32, exp_degree=11, log_terms=10)


def consts(x):
    """The ``Consts`` of ``x``'s dtype (resolved at compile time)."""
    return C32 if isinstance(x, np.float32) else C64


@overload(consts, inline="always")
def _consts_for(x):
    if x == types.float32:
        return lambda x: C32
    if x == types.float64:
        return lambda x: C64
    return None


# --------------------------------------------------------------- the functions
@njit(inline="always")
def horner(x, coeffs):
    """``Σ coeffs[j]·x^j`` by Horner's rule."""
    p = coeffs[-1]
    for a in coeffs[-2::-1]:
        p = p * x + a
    return p


@njit(inline="always")
def _to_float(n, c):
    """The integer ``n`` (|n| < 2^22) as a float of ``c``'s dtype, by the shifter trick."""
    return float_from_bits(n + c.shifter_bits, c.one) - c.shifter


@njit(inline="always")
def _reduce(x, c):
    """``(k, r)`` with ``x = k·ln2 + r``, ``|r| <= ln2/2``; ``k`` as an integer."""
    t = x * c.log2e + c.shifter
    k = float_bits(t) - c.shifter_bits
    kf = t - c.shifter
    r = x - kf * c.ln2_hi
    r = r - kf * c.ln2_lo
    return k, r


@njit(inline="always")
def _expm1_small(r, c):
    """``e^r - 1`` for ``|r| <= ln2/2``."""
    return r + r * r * horner(r, c.expm1_poly)


@njit(inline="always")
def _pow2(k, c):
    """``2^k`` for a k inside the normal exponent range."""
    return float_from_bits((k + c.exponent_bias) << c.mantissa_bits, c.one)


@njit(inline="always")
def exp(x):
    """``e^x`` (vectorizable; see the module docstring)."""
    c = consts(x)
    x = c.exp_lo if x < c.exp_lo else x
    x = c.exp_hi if x > c.exp_hi else x
    k, r = _reduce(x, c)
    p = c.one + _expm1_small(r, c)
    # 2^k in two factors: each stays a normal number even where 2^k is not.
    k1 = k >> 1
    return p * _pow2(k1, c) * _pow2(k - k1, c)


@njit(inline="always")
def expm1_nonpositive(x):
    """``e^x - 1`` for ``x <= 0`` without cancellation near 0 (nan for nan)."""
    c = consts(x)
    x = c.expm1_lo if x < c.expm1_lo else x
    k, r = _reduce(x, c)
    s = _pow2(k, c)
    return s * _expm1_small(r, c) + (s - c.one)


@njit(inline="always")
def _log1p_reduced(f, c):
    """``log(1 + f)`` for ``sqrt(1/2) - 1 <= f <= sqrt(2) - 1``: ``2·atanh(s)``, s = f/(2+f)."""
    s = f / (c.two + f)
    z = s * s
    return f - s * (f - z * horner(z, c.log_poly))


@njit(inline="always")
def log(x):
    """Natural log (vectorizable; see the module docstring)."""
    c = consts(x)
    sub = x < c.tiny
    y = x * c.subnormal_scale if sub else x
    bits = float_bits(y)
    e = (bits >> c.mantissa_bits) - c.exponent_bias
    e = e - c.mantissa_bits if sub else e
    m = float_from_bits((bits & c.mantissa_mask) | (c.exponent_bias << c.mantissa_bits), c.one)
    big = m > c.sqrt_two
    m = m * c.half if big else m
    ef = _to_float(e + 1 if big else e, c)
    out = ef * c.ln2_hi + (_log1p_reduced(m - c.one, c) + ef * c.ln2_lo)
    out = c.nan if x < c.zero else out
    out = -c.inf if x == c.zero else out
    out = c.inf if x == c.inf else out
    return x if x != x else out


@njit(inline="always")
def log1p_unit(t):
    """``log(1 + t)`` for ``0 <= t <= 1`` (nan gives nan), as softplus needs for ``t = e^-|x|``.

    No exponent split and no special values: ``1 + t`` lies in [1, 2], so either
    ``f = t`` (t <= sqrt(2) - 1) or ``1 + t = 2·(1 + f)`` with ``f = (t - 1)/2`` and
    ``log(1 + t) = ln2 + log(1 + f)``; both f stay in the atanh series' range. ``1 + t``
    is never rounded, so tiny t need no correction. About 2x faster than ``log(1 + t)``
    with its rounding correction; within 2 ulp (tests/autograd/test_kernels.py).
    """
    c = consts(t)
    big = t > c.sqrt_two - c.one
    r = _log1p_reduced((t - c.one) * c.half if big else t, c)
    return c.ln2_hi + (r + c.ln2_lo) if big else r
