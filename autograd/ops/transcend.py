"""PyTorch's further transcendental functions: ``tan``, ``atan2`` and ``logaddexp``.

Forwards run NumPy's ufuncs; backwards are Tensor ops of the saved inputs or output, so
each can be differentiated again. The binary ones broadcast, with the dtype rules of
the other binary ops (``elementwise._binary``); integer inputs give floats.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import floating, unbroadcast
from .elementwise import _binary, exp


class Tan(Function):
    """``tan a``; d/da = 1 + tan² a = 1 + out²."""

    @staticmethod
    def forward(ctx, a):
        out = np.tan(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out * out + 1.0)


def tan(input: Any) -> Tensor:
    """Tangent elementwise (radians); integer input gives the default float dtype."""
    return Tan.apply(floating(input))


class Atan2(Function):
    """``atan2(y, x)``, the angle of the point (x, y) in ``(-π, π]``; d/dy = x/(x² + y²),
    d/dx = -y/(x² + y²) (summed back over broadcast dims)."""

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return np.arctan2(y, x)

    @staticmethod
    def backward(ctx, g):
        y, x = ctx.saved_tensors
        ny, nx = ctx.needs_input_grad
        scale = g / (x * x + y * y)
        gy = unbroadcast(scale * x, y.shape) if ny else None
        gx = unbroadcast(-scale * y, x.shape) if nx else None
        return gy, gx


def _floats(a: Any, b: Any) -> tuple:
    """Integer (or bool) tensors made floating when neither operand is floating, as
    PyTorch's ``atan2`` of two integer tensors gives floats."""
    if any(np.asarray(x.data if isinstance(x, Tensor) else x).dtype.kind == "f" for x in (a, b)):
        return a, b
    return tuple(floating(x) if isinstance(x, Tensor) else x for x in (a, b))


def atan2(input: Any, other: Any) -> Tensor:
    """``atan2(input, other)``: the angle of the point (other, input), i.e. of (x, y) for
    ``atan2(y, x)``, elementwise with broadcasting, in ``(-π, π]``."""
    return _binary(Atan2, "atan2", *_floats(input, other))


class LogAddExp(Function):
    """``log(e^a + e^b)`` without overflow; d/da = e^(a - out), d/db = e^(b - out)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        ga = unbroadcast(g * exp(a - out), a.shape) if na else None
        gb = unbroadcast(g * exp(b - out), b.shape) if nb else None
        return ga, gb


def logaddexp(input: Any, other: Any) -> Tensor:
    """``log(e^input + e^other)`` elementwise with broadcasting, stable for large inputs
    (the larger one is factored out)."""
    return _binary(LogAddExp, "logaddexp", *_floats(input, other))
