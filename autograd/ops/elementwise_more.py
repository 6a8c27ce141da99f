"""PyTorch's further elementwise arithmetic: ``exp2``, ``logaddexp2``, ``float_power``,
``ldexp``, ``deg2rad``, ``rad2deg``, ``frac``, ``hypot``, ``copysign``, ``fmax`` and
``fmin``.

The compositions (``float_power``, ``ldexp``, the angle conversions, ``frac``) inherit
their gradients of every order from the ops they are made of; the others are Functions
whose backward is written with Tensor ops. Binary ones broadcast with the dtype rules of
the other binary ops (``elementwise._binary``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, floating, unbroadcast
from .elementwise import _binary, astype, masked, mul, pow, sub
from .transcend import _floats
from .unary import trunc

_LN2 = float(np.log(2.0))


def _refuse_integers(op: str, *xs: Any) -> None:
    for x in xs:
        dt = np.asarray(x.data if isinstance(x, Tensor) else x).dtype
        if dt.kind in "iub":
            raise TypeError(f"{op}: not defined for {dt} tensors (as in PyTorch); convert "
                            "to floating point first, e.g. t.double()")


class Exp2(Function):
    """``2^a``; d/da = 2^a·ln 2 = out·ln 2."""

    @staticmethod
    def forward(ctx, a):
        out = np.exp2(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out * _LN2)


def exp2(input: Any) -> Tensor:
    """``2^x`` elementwise (integer input gives the default float dtype); d/dx = 2^x·ln 2."""
    return Exp2.apply(floating(input))


class LogAddExp2(Function):
    """``log₂(2^a + 2^b)`` without overflow; d/da = 2^(a - out), d/db = 2^(b - out)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.logaddexp2(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        return (unbroadcast(g * exp2(a - out), a.shape) if na else None,
                unbroadcast(g * exp2(b - out), b.shape) if nb else None)


def logaddexp2(input: Any, other: Any) -> Tensor:
    """``log₂(2^input + 2^other)`` elementwise with broadcasting, stable for large inputs;
    floating inputs only, as PyTorch's."""
    _refuse_integers("logaddexp2", input, other)
    return _binary(LogAddExp2, "logaddexp2", input, other)


def float_power(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent`` computed in float64 (the result is float64 whatever the
    inputs' dtypes, as PyTorch's); the gradient is ``pow``'s, cast back to each input's
    dtype."""
    a = astype(as_tensor(input), np.float64)
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
        return pow(a, float(exponent))
    return pow(a, astype(as_tensor(exponent), np.float64))


def ldexp(input: Any, other: Any) -> Tensor:
    """``input · 2^other`` elementwise with broadcasting (a floating result, as PyTorch's
    ``mul(input, pow(2.0, other))``); d/dinput = 2^other, d/dother = out·ln 2."""
    return mul(input, pow(2.0, as_tensor(other)))


def deg2rad(input: Any) -> Tensor:
    """Degrees to radians, ``x·π/180`` (integer input gives the default float dtype)."""
    return mul(floating(input), np.pi / 180.0)


def rad2deg(input: Any) -> Tensor:
    """Radians to degrees, ``x·180/π`` (integer input gives the default float dtype)."""
    return mul(floating(input), 180.0 / np.pi)


def frac(input: Any) -> Tensor:
    """The fractional part ``x - trunc(x)`` elementwise, with x's sign (``frac(-1.5) =
    -0.5``; nan at ±inf); d/dx = 1. Floating input only, as PyTorch's."""
    _refuse_integers("frac", input)
    t = as_tensor(input)
    with np.errstate(invalid="ignore"):
        return sub(t, trunc(t))


class Hypot(Function):
    """``√(a² + b²)`` without overflow; d/da = a/out, d/db = b/out (nan at a = b = 0,
    as PyTorch's)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = g / out
        return (unbroadcast(scale * a, a.shape) if na else None,
                unbroadcast(scale * b, b.shape) if nb else None)


def hypot(input: Any, other: Any) -> Tensor:
    """The hypotenuse ``√(input² + other²)`` elementwise with broadcasting; floating
    inputs only, as PyTorch's."""
    _refuse_integers("hypot", input, other)
    return _binary(Hypot, "hypot", input, other)


class CopySign(Function):
    """``|a|`` with b's sign bit; d/da = out/a (±1, and 0 where a = 0, as PyTorch's),
    d/db = 0."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            ctx.ratio = np.where(a == 0, 0.0, out / np.where(a == 0, 1.0, a))
        ctx.shapes = (np.shape(a), np.shape(b))
        return out

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        sa, sb = ctx.shapes
        ga = unbroadcast(g * ctx.ratio.astype(g.dtype), sa) if na else None
        gb = unbroadcast(Tensor._wrap(np.zeros(g.shape, g.dtype)), sb) if nb else None
        return ga, gb


def copysign(input: Any, other: Any) -> Tensor:
    """``|input|`` with the sign of ``other`` elementwise, broadcast (the sign bit: -0.0
    counts as negative); always floating (integer inputs give the default float dtype).
    d/dinput = ±1 (0 where input is 0), d/dother = 0, as PyTorch's."""
    return _binary(CopySign, "copysign", *_floats(input, other))


class _NanSkippingExtremum(Function):
    """``fmax``/``fmin``: the gradient goes wholly to ``a`` where a wins or ties (or b is
    nan), to ``b`` elsewhere, as PyTorch's (``maximum`` splits ties instead)."""

    @classmethod
    def forward(cls, ctx, a, b):
        with np.errstate(invalid="ignore"):
            ctx.to_a = cls.a_wins(a, b) | np.isnan(b)
        ctx.shapes = (np.shape(a), np.shape(b))
        return cls.ufunc(a, b)

    @staticmethod
    def backward(ctx, g):
        na, nb = ctx.needs_input_grad
        sa, sb = ctx.shapes
        return (unbroadcast(masked(g, ctx.to_a), sa) if na else None,
                unbroadcast(masked(g, ~ctx.to_a), sb) if nb else None)


class FMax(_NanSkippingExtremum):
    """``max(a, b)``, the other operand where one is nan."""

    ufunc = staticmethod(np.fmax)
    a_wins = staticmethod(np.greater_equal)


class FMin(_NanSkippingExtremum):
    """``min(a, b)``, the other operand where one is nan."""

    ufunc = staticmethod(np.fmin)
    a_wins = staticmethod(np.less_equal)


def fmax(input: Any, other: Any) -> Tensor:
    """The elementwise maximum, broadcast, ignoring nan: where exactly one of the two is
    nan the other is taken (nan only where both are), unlike ``maximum``. At ties the
    whole gradient goes to ``input``, as PyTorch's."""
    return _binary(FMax, "fmax", input, other)


def fmin(input: Any, other: Any) -> Tensor:
    """The elementwise minimum, broadcast, ignoring nan (see ``fmax``)."""
    return _binary(FMin, "fmin", input, other)
