"""Special functions: ``lgamma``, ``digamma``, ``polygamma``, ``erfinv``, ``i0`` (and
``I₁``, its derivative), ``logit``, ``xlogy``, ``sinc``, ``entr``, ``xlog1py`` and the
Hurwitz ``zeta``.

Forwards of the first five run this package's own NumPy numerics (``_gamma``,
``_erfinv``, ``_bessel``; NumPy has none of them, and SciPy is not a dependency) in
float64, rounded back to the input's dtype. Backwards are Tensor ops, so every one can be
differentiated again: lgamma' = digamma, digamma' = polygamma(1), polygamma(n)' =
polygamma(n + 1), erfinv'(y) = √π/2 · e^(erfinv(y)²), i0' = I₁, I₁' = I₀ - I₁/x. Integer
input gives the default float dtype, as PyTorch's.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from . import _bessel, _erfinv, _gamma
from ._util import floating, unbroadcast
from .elementwise import _binary, clip, cos, div, exp, log, sin, sub, where
from .transcend import _floats

_SQRT_PI_OVER_2 = 0.8862269254527580


def _in_float64(fn: Callable[[np.ndarray], np.ndarray], a: np.ndarray) -> np.ndarray:
    return np.asarray(fn(a.astype(np.float64))).astype(a.dtype, copy=False)


class _Numeric(Function):
    """A function of ``a`` run by this package's float64 NumPy numerics (``numeric``) and
    rounded back to a's dtype; d/da = ``slope(a)``, written with Tensor ops."""

    @classmethod
    def forward(cls, ctx, a):
        ctx.save_for_backward(a)
        return _in_float64(cls.numeric, a)

    @classmethod
    def backward(cls, ctx, g):
        (a,) = ctx.saved_tensors
        return g * cls.slope(a)


class Lgamma(_Numeric):
    """``log|Γ(a)|``; d/da = ψ(a)."""

    numeric = staticmethod(_gamma.lgamma)
    slope = staticmethod(lambda a: digamma(a))


class Digamma(_Numeric):
    """``ψ(a) = Γ'(a)/Γ(a)``; d/da = ψ⁽¹⁾(a)."""

    numeric = staticmethod(_gamma.digamma)
    slope = staticmethod(lambda a: polygamma(1, a))


class Polygamma(Function):
    """``ψ⁽ⁿ⁾(a)``; d/da = ψ⁽ⁿ⁺¹⁾(a)."""

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return _in_float64(lambda x: _gamma.polygamma(n, x), a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, a), None


def lgamma(input: Any) -> Tensor:
    """``log|Γ(x)|`` elementwise (the log of the gamma function's magnitude); d/dx = ψ(x)
    (``digamma``). inf at 0, the negative integers and ±inf, as PyTorch's. Within a few
    ulp in float64 (exact 0 at 1 and 2), except near its zeros below -2."""
    return Lgamma.apply(floating(input))


def digamma(input: Any) -> Tensor:
    """``ψ(x) = d/dx log Γ(x)`` elementwise; d/dx = ψ⁽¹⁾(x) (``polygamma(1, x)``).
    PyTorch's special values: -inf at +0, +inf at -0, nan at the negative integers and
    -inf."""
    return Digamma.apply(floating(input))


def polygamma(n: int, input: Any) -> Tensor:
    """``ψ⁽ⁿ⁾(x)``, the n-th derivative of ``digamma`` (n >= 0; n = 0 is digamma)
    elementwise; d/dx = ψ⁽ⁿ⁺¹⁾(x). ``(-1)^(n+1)·inf`` at 0 and the negative integers.
    Accurate to a few ulp in float64; PyTorch's n = 1 (trigamma) is only good to ~5e-10
    relative, and its value at the negative integers is a large finite number (not inf)
    because ``sin(πx)`` there is not exactly 0."""
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"polygamma: n must be an int, got {n!r}") from None
    if n < 0:
        raise ValueError(f"polygamma: n must be >= 0, got {n}")
    if n == 0:
        return digamma(input)
    return Polygamma.apply(floating(input), n)


class GaussianInverse(Function):
    """The inverse of a Gaussian integral (erf, the normal CDF), run by ``numeric`` in
    float64: its slope is ``factor·e^(weight·out²)``, the reciprocal of the integrand at the
    output."""

    numeric: Callable[[np.ndarray], np.ndarray]
    weight: float
    factor: float

    @classmethod
    def forward(cls, ctx, y):
        out = _in_float64(cls.numeric, y)
        ctx.save_for_backward(out)
        return out

    @classmethod
    def backward(cls, ctx, g):
        (out,) = ctx.saved_tensors
        with np.errstate(over="ignore"):
            return g * (exp(out * out * cls.weight) * cls.factor)


class Erfinv(GaussianInverse):
    """``erfinv(y)``; d/dy = √π/2 · e^(out²)."""

    numeric = staticmethod(_erfinv.erfinv)
    weight, factor = 1.0, _SQRT_PI_OVER_2


def erfinv(input: Any) -> Tensor:
    """The inverse error function elementwise: the x with ``erf(x) = y``, in
    (-inf, inf) for y in (-1, 1), ±inf at ±1 and nan outside; d/dy = √π/2 · e^(x²).
    Within about 1 ulp in float64, up to y = ±(1 - 2^-53)."""
    return Erfinv.apply(floating(input))


def _i1_slope(a: Tensor) -> Tensor:
    """``I₁'(a) = I₀(a) - I₁(a)/a``, ½ at 0."""
    zero = a.data == 0
    safe = where(zero, 1.0, a)
    return where(zero, 0.5, I0.apply(a) - I1.apply(safe) / safe)


class I0(_Numeric):
    """``I₀(a)``; d/da = I₁(a)."""

    numeric = staticmethod(_bessel.i0)
    slope = staticmethod(lambda a: I1.apply(a))


class I1(_Numeric):
    """``I₁(a)``; d/da = I₀(a) - I₁(a)/a, ½ at 0."""

    numeric = staticmethod(_bessel.i1)
    slope = staticmethod(_i1_slope)


def i0(input: Any) -> Tensor:
    """The modified Bessel function of the first kind of order 0, ``I₀(x) = Σ_k
    (x²/4)^k/(k!)²``, elementwise; d/dx = I₁(x). inf from |x| ≈ 709.8 (where e^x
    overflows) and nan at ±inf, as PyTorch's (its ``e^x·series`` is ``inf·0`` there).
    Within a few ulp in float64."""
    return I0.apply(floating(input))


def logit(input: Any, eps: float | None = None) -> Tensor:
    """``log(x/(1 - x))`` elementwise, the inverse of ``sigmoid``; with ``eps``, x is first
    clamped to ``[eps, 1 - eps]``. d/dx = 1/(x(1 - x)) (0 where the clamp binds, bounds
    included in the gradient, as PyTorch's). Without eps: ±inf at 1 and 0, nan outside
    [0, 1]."""
    x = floating(input)
    if eps is not None:
        x = clip(x, float(eps), 1.0 - float(eps))
    with np.errstate(divide="ignore", invalid="ignore"):
        return log(div(x, sub(1.0, x)))


class _XLog(Function):
    """``a·f(b)`` for ``f = log(offset + ·)``, 0 where a = 0 (unless b is nan); d/da =
    the same of ``(a != 0, b)``, d/db = a/(offset + b)."""

    log: Callable[[np.ndarray], np.ndarray]
    offset: float

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.multiply(a, cls.log(b))
        return np.where((a == 0) & ~np.isnan(b), np.zeros((), out.dtype), out)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = gb = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if na:
                nonzero = Tensor._wrap((a.data != 0).astype(g.dtype))
                ga = unbroadcast(g * cls.apply(nonzero, b), a.shape)
            if nb:
                gb = unbroadcast(g * a / (b + cls.offset if cls.offset else b), b.shape)
        return ga, gb


class XLogY(_XLog):
    """``a·log(b)``, 0 where a = 0 (unless b is nan); d/da = xlogy(a != 0, b),
    d/db = a/b."""

    log, offset = staticmethod(np.log), 0.0


def xlogy(input: Any, other: Any) -> Tensor:
    """``input·log(other)`` elementwise with broadcasting, 0 where input is 0 (even where
    other is 0 or inf) unless other is nan (then nan), as PyTorch's; integer inputs give
    the default float dtype. d/dinput = log(other) (0 where input is 0), d/dother =
    input/other."""
    return _binary(XLogY, "xlogy", *_floats(input, other))


class Sinc(Function):
    """``sin(πa)/(πa)``, 1 at 0; d/da = (πa·cos(πa) - sin(πa))/(πa²), 0 at 0."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        pa = a * a.dtype.type(np.pi)
        with np.errstate(invalid="ignore"):
            return np.where(a == 0, np.ones((), a.dtype), np.sin(pa) / pa)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        zero = a.data == 0
        safe = where(zero, 1.0, a)
        pa = safe * np.pi
        slope = (pa * cos(pa) - sin(pa)) / (pa * safe)
        return g * where(zero, 0.0, slope)


def sinc(input: Any) -> Tensor:
    """The normalized sinc ``sin(πx)/(πx)`` elementwise, 1 at 0; d/dx =
    (πx·cos(πx) - sin(πx))/(πx²), 0 at 0, as PyTorch's."""
    return Sinc.apply(floating(input))


class Entr(Function):
    """``-a·log(a)``, 0 at 0, -inf for a < 0; d/da = -(log(a) + 1)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = -a * np.log(a)
        out = np.where(a == 0, np.zeros((), a.dtype), out)
        return np.where(a < 0, np.array(-np.inf, a.dtype), out)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g * -(log(a) + 1.0)


def entr(input: Any) -> Tensor:
    """The entropy term ``-x·log(x)`` elementwise: 0 at 0, -inf for x < 0, as PyTorch's;
    d/dx = -(log(x) + 1) (inf at 0, nan below)."""
    return Entr.apply(floating(input))


class XLog1pY(_XLog):
    """``a·log1p(b)``, 0 where a = 0 (unless b is nan); d/da = xlog1py(a != 0, b),
    d/db = a/(1 + b)."""

    log, offset = staticmethod(np.log1p), 1.0


def xlog1py(input: Any, other: Any) -> Tensor:
    """``input·log1p(other)`` elementwise with broadcasting, 0 where input is 0 unless
    other is nan, as PyTorch's; d/dinput = log1p(other) (0 where input is 0), d/dother =
    input/(1 + other)."""
    return _binary(XLog1pY, "xlog1py", *_floats(input, other))


def _zeta(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``ζ(x, q)`` with PyTorch's special values: inf at x = 1 and at integer q <= 0 (-inf
    included); nan for x < 1, for non-integer x with negative non-integer q, and at
    infinite x or q = inf."""
    x, q = np.broadcast_arrays(x, q)
    with np.errstate(all="ignore"):
        out = _gamma.hurwitz_zeta(np.where(x > 1, x, 2.0), q)
        integer_q = (q <= 0) & (q == np.floor(q))
        out = np.where(integer_q, np.inf, out)
        out = np.where((q < 0) & ~integer_q & (x != np.floor(x)), np.nan, out)
        out = np.where(np.isinf(x) | (q == np.inf) | (x < 1) | np.isnan(x), np.nan, out)
        return np.where(x == 1, np.inf, out)


class Zeta(Function):
    """``ζ(x, q)``; d/dq = -x·ζ(x + 1, q); d/dx raises NotImplementedError (as PyTorch)."""

    @staticmethod
    def forward(ctx, x, q):
        ctx.save_for_backward(x, q)
        dtype = np.result_type(x, q)
        return _zeta(x.astype(np.float64), q.astype(np.float64)).astype(dtype)

    @staticmethod
    def backward(ctx, g):
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("zeta: the derivative in the first argument (input, x) "
                                      "is not implemented, as in PyTorch; detach() it")
        if not ctx.needs_input_grad[1]:
            return None, None
        s = Tensor._wrap(x.data)
        return None, unbroadcast(g * -s * Zeta.apply(s + 1.0, q), q.shape)


def zeta(input: Any, other: Any) -> Tensor:
    """The Hurwitz zeta function ``ζ(x, q) = Σ_{k>=0} (k + q)^-x`` of ``x = input`` and
    ``q = other`` (broadcast; the Riemann zeta at q = 1); inf at x = 1, nan for x < 1.
    d/dq = -x·ζ(x + 1, q); d/dx raises NotImplementedError, as PyTorch's."""
    return _binary(Zeta, "zeta", *_floats(input, other))
