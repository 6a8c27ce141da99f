"""Vectorizable ``exp``, ``expm1``, ``log``, ``log1p`` (on [0, 1]), ``erf`` and ``erfc`` for
Numba kernels.

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

erf and erfc, on ``y = |x|`` (``erf(-y) = -erf(y)``, ``erfc(-y) = 2 - erfc(y)``)::

    y < 27/32:  erf(y) = y + y·S(y²)
    y >= 27/32: erf(y) = 1 - e^L(y),  L(y) ≈ log erfc(y), a polynomial in y - 27/32
    every y:    erfc(y) = e^(-y²)·erfcx(y),  erfcx(y) = G(t)/(y + 5/8),  t = (y - K)/(y + K)

erf rounds to 1 from y ≈ 3.9 (float32) / 5.9 (float64), where L's range ends; erfc to 0
from y ≈ 10.05 / 27.2 (y is clamped to 10.5 / 27.5, the end of G's range). ``erfcx(y) =
e^(y²)·erfc(y)`` falls like ``1/(y√π)``; times ``y + 5/8`` it stays within 0.56–0.71 for
every y >= 0, and the map to t (K = 2 for float32, 3 for float64) makes it a function that
a polynomial follows closely (12 / 25 terms). erfc keeps ~1 ulp relative accuracy down to
the subnormals because no step rounds more than the dtype allows: ``e^(-y²)`` comes from the
exact square ``y² = hi + fma(y, y, -hi)`` through ``exp_split``; G's last step, the sum
``y + 5/8`` and the quotient are carried as double-words (value plus rounding error, found
with ``fma``); and ``e^r``, left unrounded as ``1 + m_hi + m_lo``, multiplies the quotient
before the single rounding of ``mul_exp2``. The polynomial sums use Estrin's scheme (``estrin``).

The coefficients of S, L and G are our own weighted least-squares fits on Chebyshev nodes
of their intervals, in mpmath at 45 digits (relative error of G and of erf(y)/y, the error
of e^L relative to 1 - e^L), rounded to the dtype one coefficient at a time with the later
ones refitted, and G's constant term kept as a double-word. Fit errors, in ulp of the
result: G 0.011 (float64) / 0.017 (float32), S 0.12 / 0.014, L 0.11 / 0.12 (the rounding of
its constant term, which no other term can make up for at y = 27/32). Measured
against mpmath and correctly rounded values (tests/autograd/test_gelu_kernels.py): erf
within 1 ulp in both dtypes, erfc within 2 (normal and subnormal results).

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
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import NamedTuple

import numpy as np
from llvmlite import ir

from .numba_setup import intrinsic, njit, overload, types

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
    scale: float  # 2^(mantissa_bits + 1): e^x·scale is a normal number for every x >= exp_lo
    normal_lo: float  # exp_unchecked is exact on [normal_lo, normal_hi]: k in [-bias+2, bias]
    normal_hi: float
    # exp_split and ldexp_down: an argument below down_floor counts as down_floor (e^down_floor
    # times any factor below 2^40 rounds to 0), and 2^(k + down_shift), down_shift = maxexp/2,
    # is a normal number for every k exp_split returns.
    down_floor: float
    down_bias: int  # exponent_bias + down_shift
    down_unscale: float  # 2^-down_shift


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
    down_shift = finfo.maxexp // 2
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
        inf=f(np.inf), nan=f(np.nan), scale=f(2.0 ** (mbits + 1)),
        normal_lo=f(-(finfo.maxexp - 3) * float(_LN2)),
        normal_hi=f((finfo.maxexp - 1) * float(_LN2)),
        down_floor=f(-(finfo.maxexp - 2 + down_shift) * float(_LN2)),
        down_bias=itype(finfo.maxexp - 1 + down_shift), down_unscale=f(2.0**-down_shift),
    )


def double_word(value: str, ftype: type) -> tuple:
    """The decimal ``value`` as ``(hi, lo)`` of dtype ``ftype``: hi rounded, lo the rounded rest."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value)
        hi = ftype(float(exact))
        return hi, ftype(float(exact - Decimal(float(hi))))


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
def exp_unchecked(x):
    """``exp(x)`` for ``normal_lo <= x <= normal_hi`` only (elsewhere, and for nan, any
    value): no clamps, and ``2^k`` added to the exponent bits of ``1 + expm1(r)`` instead of
    ``exp``'s two factors. With ``k`` in ``[-bias + 2, bias]`` and that factor in
    ``[√½, √2]`` the result is a normal number, and the same bits as ``exp``'s."""
    c = consts(x)
    k, r = _reduce(x, c)
    p = c.one + _expm1_small(r, c)
    return float_from_bits(float_bits(p) + (k << c.mantissa_bits), c.one)


@njit(inline="always")
def exp_nonpositive_scaled(x):
    """``e^x·scale`` for ``x <= 0`` (``scale = 2^(mantissa_bits + 1)``; nan for nan).

    The scaling keeps the result a normal number down to ``exp_lo``, so ``2^k`` is one
    factor instead of ``exp``'s two, and the result is ``exp(x)``'s value before its
    rounding to a subnormal, times the power of two: dividing it by another value
    scaled alike (``sigmoid``) rounds once, as ``exp`` followed by the division does.
    """
    c = consts(x)
    x = c.exp_lo if x < c.exp_lo else x
    k, r = _reduce(x, c)
    return (c.one + _expm1_small(r, c)) * _pow2(k + c.mantissa_bits + 1, c)


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
def _log_normal(y, e_shift, c):
    """``log(y) - e_shift·ln2`` for a positive normal finite ``y``: ``y = m·2^e``."""
    bits = float_bits(y)
    e = (bits >> c.mantissa_bits) - c.exponent_bias - e_shift
    m = float_from_bits((bits & c.mantissa_mask) | (c.exponent_bias << c.mantissa_bits), c.one)
    big = m > c.sqrt_two
    m = m * c.half if big else m
    ef = _to_float(e + 1 if big else e, c)
    return ef * c.ln2_hi + (_log1p_reduced(m - c.one, c) + ef * c.ln2_lo)


@njit(inline="always")
def is_positive_normal(x):
    """Whether ``x`` is a positive, normal, finite number (not nan): ``log_positive_normal``'s
    domain."""
    c = consts(x)
    return (x >= c.tiny) & (x < c.inf)


@njit(inline="always")
def log_positive_normal(x):
    """``log(x)`` for a positive normal finite ``x`` only (elsewhere any value): ``log``
    without the subnormal scaling and the special values, the same bits where it applies."""
    return _log_normal(x, 0, consts(x))


@njit(inline="always")
def log(x):
    """Natural log (vectorizable; see the module docstring)."""
    c = consts(x)
    sub = x < c.tiny
    out = _log_normal(x * c.subnormal_scale if sub else x, c.mantissa_bits if sub else 0, c)
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


# --------------------------------------------------------------- building blocks
@intrinsic
def fma(typingctx, a, b, c):
    """``a·b + c`` rounded once (LLVM's ``llvm.fma``: one instruction where the CPU has FMA)."""
    if isinstance(a, types.Float) and a == b == c:
        def codegen(context, builder, sig, args):
            ty = context.get_value_type(sig.return_type)
            fn = builder.module.declare_intrinsic("llvm.fma", [ty], ir.FunctionType(ty, [ty] * 3))
            return builder.call(fn, args)

        return a(a, b, c), codegen
    return None


def per_dtype(c32: tuple, c64: tuple) -> Callable:
    """A function of ``x`` that gives ``c32`` for a float32 ``x`` and ``c64`` for a float64 one,
    resolved at compile time in Numba code, as ``consts`` is."""

    def pick(x):
        return c32 if isinstance(x, np.float32) else c64

    @overload(pick, inline="always")
    def _pick(x):
        if x == types.float32:
            return lambda x: c32
        if x == types.float64:
            return lambda x: c64
        return None

    return pick


def estrin(x, coeffs):
    """``Σ coeffs[j]·x^j`` by Estrin's scheme in Numba code: pairs ``c_j + c_(j+1)·x``, then
    pairs of those with x², and so on; by Horner's rule in Python. Estrin's shorter
    dependency chain keeps more of the CPU busy: with it for G, float64 erfc took 5.0
    instead of 6.3 ns per element, gelu 5.4 instead of 7.3."""
    p = coeffs[-1]
    for a in coeffs[-2::-1]:
        p = p * x + a
    return p


def _estrin_source(lo: int, hi: int, powers: set) -> str:
    """The expression of ``Σ_{lo <= j < hi} coeffs[j]·x^(j - lo)``, with ``x^(2^k)`` named
    ``p{k}`` (each one used is added to ``powers``)."""
    n = hi - lo
    if n == 1:
        return f"coeffs[{lo}]"
    k = (n - 1).bit_length() - 1  # split at the largest power of two below n
    powers.add(k)
    split = lo + (1 << k)
    return f"({_estrin_source(split, hi, powers)} * p{k} + {_estrin_source(lo, split, powers)})"


@overload(estrin, inline="always")
def _estrin_for(x, coeffs):
    if not isinstance(coeffs, types.BaseTuple) or len(coeffs) == 0:
        return None
    powers: set = set()
    body = _estrin_source(0, len(coeffs), powers)
    lines = ["def impl(x, coeffs):", "    p0 = x"]
    lines += [f"    p{k} = p{k - 1} * p{k - 1}" for k in range(1, max(powers, default=0) + 1)]
    namespace: dict = {}
    exec("\n".join(lines + [f"    return {body}"]), namespace)
    return namespace["impl"]


@njit(inline="always")
def exp_split(hi, lo):
    """``(k, m_hi, m_lo)`` with ``e^(hi + lo) = 2^k·(1 + m_hi + m_lo)``, for ``hi <= 0`` and
    ``|lo|`` at most a few ulp of hi, so that ``hi + lo`` may be exact to twice the dtype's
    precision (an exact square ``y² = hi + fma(y, y, -hi)``). exp's reduction with
    ``m_hi = hi - k·ln2_hi`` exact and the rest, ``lo - k·ln2_lo + r²·P(r)``, in ``m_lo``:
    ``1 + m`` is never rounded, and ``mul_exp`` multiplies it in before rounding once. hi
    below ``down_floor`` counts as down_floor, where any product with a factor below 2^40
    is 0."""
    c = consts(hi)
    hi = c.down_floor if hi < c.down_floor else hi
    t = hi * c.log2e + c.shifter
    k = float_bits(t) - c.shifter_bits
    kf = t - c.shifter
    r_hi = hi - kf * c.ln2_hi
    r_lo = lo - kf * c.ln2_lo
    r = r_hi + r_lo
    return k, r_hi, r_lo + r * r * estrin(r, c.expm1_poly)


@njit(inline="always")
def mul_exp(v, k, m_hi, m_lo):
    """``v·2^k·(1 + m_hi + m_lo)`` for ``(k, m_hi, m_lo)`` from ``exp_split``, rounded once:
    the small products first, then v, then the power of two by ``ldexp_down``."""
    return ldexp_down(v + fma(v, m_hi, v * m_lo), k)


@njit(inline="always")
def mul_exp2(v_hi, v_lo, k, m_hi, m_lo):
    """``mul_exp`` of the double-word ``v_hi + v_lo``."""
    return ldexp_down(v_hi + fma(v_hi, m_hi, fma(v_hi, m_lo, fma(v_lo, m_hi, v_lo))), k)


@njit(inline="always")
def ldexp_down(v, k):
    """``v·2^k`` for a k from ``exp_split``, rounded once: by the normal ``2^(k + down_shift)``,
    then ``2^-down_shift``, so a subnormal result is rounded only at the last step."""
    c = consts(v)
    return v * float_from_bits((k + c.down_bias) << c.mantissa_bits, c.one) * c.down_unscale


# --------------------------------------------------------------- error functions
class ErfConsts(NamedTuple):
    """The typed constants of erf and erfc for one float dtype (see the module docstring)."""

    small: tuple  # erf(y)/y - 1 = Σ small[j]·y^(2j) for y < small_max
    small_max: float
    log_tail: tuple  # log erfc(y) = Σ log_tail[j]·(y - small_max)^j, small_max <= y <= log_max
    log_max: float  # erf(y) rounds to 1 from about here on
    k: float  # t = (y - k)/(y + k)
    c: float  # erfcx(y) = G(t)/(y + c)
    g0_hi: float  # G(t) = g0 + t·Σ g[j]·t^j, g0 = g0_hi + g0_lo
    g0_lo: float
    g: tuple
    tail_max: float  # erfc(y) rounds to 0 before here; larger y are clamped to it


# Fitted as the module docstring says (float64: G 25 terms, S 11, L 22; float32: 12, 7, 8).
_G64 = (
    -0.10858974806767023, 0.006919328037315906, 0.04605808728878157, -0.05067860205789896,
    0.031104951257227297, -0.01135161541798116, 0.001353164211456035, 0.0008697124398073597,
    -0.0003842592081791504, -4.457285881922063e-05, 6.094201363975822e-05,
    1.4775970072590624e-06, -9.784873747391032e-06, -2.0949500316187792e-07,
    1.6983873327489162e-06, 1.494970509362739e-07, -3.0293197620947807e-07,
    -6.512309939831463e-08, 4.9125247846059065e-08, 1.955694036068136e-08,
    -5.638593709781447e-09, -3.7252039497600055e-09, 2.0885122576299379e-10,
    2.8971525255468616e-10,
)
_S64 = (
    0.12837916709551256, -0.3761263890318333, 0.11283791670932819, -0.02686617064038483,
    0.005223977573046567, -0.0008548323625869851, 0.00012055194876697459,
    -1.4922024645422627e-05, 1.6400501558581584e-06, -1.570715844916867e-07,
    1.0706414798021913e-08,
)
_L64 = (
    -1.457685797861741, -2.3786996504088074, -0.8220781833953806, -0.0483325299984609,
    0.011661214513031266, -0.0021803607502386066, 0.00018671194663590762,
    6.955407662472354e-05, -4.286119332886154e-05, 1.2758759325461497e-05,
    -1.9426420242914147e-06, -2.555540872610794e-07, 2.856531064697006e-07,
    -1.0490484577011842e-07, 2.25298948674962e-08, -1.8504142574580452e-09,
    -6.146240071575479e-10, 2.8679390596561857e-10, -6.079565458482202e-11,
    7.70780242891114e-12, -5.63304162752429e-13, 1.8388680083735347e-14,
)
# float32 values, written as the float64 numbers equal to them
_G32 = (
    -0.0997801423072815, -0.05280797556042671, 0.07215321063995361, -0.02664247900247574,
    -0.00314089166931808, 0.00424966961145401, 0.000504636496771127, -0.0007071890286169946,
    -0.0001818355667637661, 8.909327880246565e-05, 3.9793001633370295e-05,
)
_S32 = (
    0.12837916612625122, -0.37612634897232056, 0.11283731460571289, -0.026861920952796936,
    0.005208312533795834, -0.0008236113935709, 8.811456063995138e-05,
)
_L32 = (
    -1.4576858282089233, -2.3786985874176025, -0.8220876455307007, -0.04830091819167137,
    0.011623420752584934, -0.0021950798109173775, 0.00026692711981013417,
    -1.3426070836430881e-05,
)


def _erf_consts(f: type, g0: tuple, g: tuple, small: tuple, log_tail: tuple, k: float,
                log_max: float, tail_max: float) -> ErfConsts:
    return ErfConsts(small=tuple(f(v) for v in small), small_max=f(0.84375),
                     log_tail=tuple(f(v) for v in log_tail), log_max=f(log_max), k=f(k),
                     c=f(0.625), g0_hi=f(g0[0]), g0_lo=f(g0[1]), g=tuple(f(v) for v in g),
                     tail_max=f(tail_max))


ERF32 = _erf_consts(np.float32, (0.6704136729240417, -2.2180845604680144e-08), _G32, _S32,
                    _L32, k=2.0, log_max=4.0, tail_max=10.5)
ERF64 = _erf_consts(np.float64, (0.6488791730325386, -4.4327813057683125e-17), _G64, _S64,
                    _L64, k=3.0, log_max=6.0, tail_max=27.5)
erf_consts = per_dtype(ERF32, ERF64)


@njit(inline="always")
def erfcx2(yh, yl):
    """``erfcx(y) = e^(y²)·erfc(y)`` for ``y = yh + yl`` in ``[0, tail_max]`` (yl a correction
    below an ulp of yh, or 0) as a double-word ``(hi, lo)``: ``G(t)/(y + c)`` with G's last
    step, the sum ``y + c`` and the quotient each carried to twice the precision."""
    c = consts(yh)
    e = erf_consts(yh)
    t = (yh - e.k) / (yh + e.k)
    q = estrin(t, e.g)
    p = t * q
    g_hi = e.g0_hi + p  # |p| < g0/5: no digits of g0 lost
    g_lo = ((e.g0_hi - g_hi) + p) + (fma(t, q, -p) + e.g0_lo)
    s = yh + e.c
    err = ((e.c - (s - yh)) if yh > e.c else (yh - (s - e.c))) + yl  # y + c = s + err
    inv = c.one / s
    delta = fma(s, inv, -c.one) + err * inv  # inv·(y + c) = 1 + delta
    hi = g_hi * inv
    return hi, fma(g_hi, inv, -hi) + (g_lo - g_hi * delta) * inv


@njit(inline="always")
def erf(x):
    """``erf(x) = 2/√π ∫₀ˣ e^(-t²) dt`` (vectorizable; see the module docstring)."""
    c = consts(x)
    e = erf_consts(x)
    y = abs(x)
    small = y + y * estrin(y * y, e.small)
    log_erfc = estrin((e.log_max if y > e.log_max else y) - e.small_max, e.log_tail)
    k, m_hi, m_lo = exp_split(log_erfc, c.zero)
    big = c.one - mul_exp(c.one, k, m_hi, m_lo)
    return math.copysign(small if y < e.small_max else big, x)


@njit(inline="always")
def erfc(x):
    """``erfc(x) = 1 - erf(x)``, accurate relative to its value where it is tiny
    (vectorizable; see the module docstring)."""
    c = consts(x)
    y = abs(x)
    tail_max = erf_consts(x).tail_max
    y = tail_max if y > tail_max else y
    hi, lo = erfcx2(y, c.zero)
    square = y * y
    k, m_hi, m_lo = exp_split(-square, -fma(y, y, -square))
    tail = mul_exp2(hi, lo, k, m_hi, m_lo)
    return c.two - tail if x < c.zero else tail

