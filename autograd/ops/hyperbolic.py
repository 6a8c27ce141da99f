"""The inverse hyperbolic functions ``acosh``, ``asinh``, ``atanh`` and their NumPy-style
names ``arccosh``, ``arcsinh``, ``arctanh``.

Forwards run NumPy's ufuncs (nan outside the domain, ±inf at its edges, as PyTorch's);
backwards are Tensor ops, so each can be differentiated again. Integer input gives the
default float dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import floating
from .elementwise import sqrt


class Acosh(Function):
    """``acosh a = log(a + √(a² - 1))`` (a >= 1); d/da = 1/√(a² - 1)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arccosh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / sqrt(a * a - 1.0)


class Asinh(Function):
    """``asinh a = log(a + √(a² + 1))``; d/da = 1/√(a² + 1)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arcsinh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(over="ignore"):
            return g / sqrt(a * a + 1.0)


class Atanh(Function):
    """``atanh a = ½·log((1 + a)/(1 - a))`` (|a| < 1, ±inf at ±1); d/da = 1/(1 - a²)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.arctanh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return g / (1.0 - a * a)


def acosh(input: Any) -> Tensor:
    """Inverse hyperbolic cosine elementwise, ``log(x + √(x² - 1))``: nan below 1, 0 at 1;
    d/dx = 1/√(x² - 1) (inf at 1)."""
    return Acosh.apply(floating(input))


def asinh(input: Any) -> Tensor:
    """Inverse hyperbolic sine elementwise, ``log(x + √(x² + 1))``; d/dx = 1/√(x² + 1)."""
    return Asinh.apply(floating(input))


def atanh(input: Any) -> Tensor:
    """Inverse hyperbolic tangent elementwise, ``½·log((1 + x)/(1 - x))``: ±inf at ±1,
    nan outside [-1, 1]; d/dx = 1/(1 - x²)."""
    return Atanh.apply(floating(input))


def arccosh(input: Any) -> Tensor:
    """``acosh``."""
    return acosh(input)


def arcsinh(input: Any) -> Tensor:
    """``asinh``."""
    return asinh(input)


def arctanh(input: Any) -> Tensor:
    """``atanh``."""
    return atanh(input)
