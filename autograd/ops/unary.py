"""More elementwise math: ``expm1``, ``log2``, ``log10``, ``sinh``, ``cosh``, ``asin``,
``acos``, ``atan``, the error functions ``erf``, ``erfc`` and the roundings ``floor``,
``ceil``, ``round``, ``trunc``.

Forwards run NumPy's ufunc on the array (erf and erfc, which NumPy lacks, run ``_erf``);
backwards are Tensor ops, so each can be differentiated again. The roundings are piecewise
constant: their gradient is 0 (as PyTorch's), and an integer input comes back unchanged
(a copy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import kernels
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, floating
from .elementwise import exp, sqrt

_LN2, _LN10 = float(np.log(2.0)), float(np.log(10.0))
_TWO_OVER_SQRT_PI = 1.1283791670955126


class Expm1(Function):
    """``e^a - 1``, accurate for small a; d/da = e^a = out + 1."""

    @staticmethod
    def forward(ctx, a):
        out = np.expm1(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out + 1.0)


class Log2(Function):
    """``log₂ a``; d/da = 1/(a·ln 2)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN2)


class Log10(Function):
    """``log₁₀ a``; d/da = 1/(a·ln 10)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * _LN10)


class Sinh(Function):
    """``sinh a = (e^a - e^-a)/2``; d/da = cosh a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(over="ignore"):
            return np.sinh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * cosh(a)


class Cosh(Function):
    """``cosh a = (e^a + e^-a)/2``; d/da = sinh a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(over="ignore"):
            return np.cosh(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * sinh(a)


class Asin(Function):
    """``arcsin a`` (nan outside [-1, 1]); d/da = 1/√(1 - a²)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arcsin(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / sqrt(1.0 - a * a)


class Acos(Function):
    """``arccos a`` (nan outside [-1, 1]); d/da = -1/√(1 - a²)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(invalid="ignore"):
            return np.arccos(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return -(g / sqrt(1.0 - a * a))


class Atan(Function):
    """``arctan a``; d/da = 1/(1 + a²)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.arctan(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * a + 1.0)


def _gaussian(a: Tensor, scale: float) -> Tensor:
    """``scale·e^(-a²)``, the derivative of erf (scale 2/√π) and erfc (-2/√π)."""
    with np.errstate(over="ignore"):  # a² overflows to inf for huge a, and e^(-inf) = 0
        return exp(-(a * a)) * scale


class Erf(Function):
    """``erf a = 2/√π ∫₀ᵃ e^(-t²) dt``; d/da = 2/√π · e^(-a²)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return kernels.erf(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * _gaussian(a, _TWO_OVER_SQRT_PI)


class Erfc(Function):
    """``erfc a = 1 - erf a``; d/da = -2/√π · e^(-a²)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return kernels.erfc(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * _gaussian(a, -_TWO_OVER_SQRT_PI)


class _Rounding(Function):
    """A piecewise constant map (``rule`` on the array); its gradient is 0 everywhere."""

    @staticmethod
    def forward(ctx, a, rule):
        return rule(a)

    @staticmethod
    def backward(ctx, g):
        return Tensor._wrap(np.zeros(g.shape, g.dtype)), None


def expm1(a: Any) -> Tensor:
    """``e^a - 1`` elementwise, accurate near 0."""
    return Expm1.apply(floating(a))


def log2(a: Any) -> Tensor:
    """Base-2 logarithm elementwise (``-inf`` at 0)."""
    return Log2.apply(floating(a))


def log10(a: Any) -> Tensor:
    """Base-10 logarithm elementwise (``-inf`` at 0)."""
    return Log10.apply(floating(a))


def sinh(a: Any) -> Tensor:
    """Hyperbolic sine elementwise."""
    return Sinh.apply(floating(a))


def cosh(a: Any) -> Tensor:
    """Hyperbolic cosine elementwise."""
    return Cosh.apply(floating(a))


def asin(a: Any) -> Tensor:
    """Arcsine elementwise, in [-π/2, π/2]; nan outside [-1, 1]."""
    return Asin.apply(floating(a))


def acos(a: Any) -> Tensor:
    """Arccosine elementwise, in [0, π]; nan outside [-1, 1]."""
    return Acos.apply(floating(a))


def atan(a: Any) -> Tensor:
    """Arctangent elementwise, in (-π/2, π/2)."""
    return Atan.apply(floating(a))


def _real_floating(a: Any, op: str) -> Tensor:
    t = floating(a)
    if t.dtype.kind == "c":
        raise TypeError(f"{op}: complex input (dtype {t.dtype}) is not supported, as in "
                        f"PyTorch; pass the real part (t.real) or the modulus (t.abs())")
    return t


def erf(a: Any) -> Tensor:
    """The error function elementwise, ``erf a = 2/√π ∫₀ᵃ e^(-t²) dt``, in [-1, 1];
    d/da erf a = 2/√π · e^(-a²). Odd: ``erf(-a) = -erf(a)`` exactly, ``erf(±inf) = ±1``.
    Integer input gives the default float dtype, as ``torch.erf``. Within 1 ulp in float64
    (W. J. Cody's rational approximations, ``ops/_erf.py``)."""
    return Erf.apply(_real_floating(a, "erf"))


def erfc(a: Any) -> Tensor:
    """The complementary error function elementwise, ``erfc a = 1 - erf a =
    2/√π ∫ₐ^∞ e^(-t²) dt``, in [0, 2]; d/da erfc a = -2/√π · e^(-a²). Accurate relative
    to its value where it is tiny (``erfc(26) ≈ 5.7e-296``), where ``1 - erf`` would be 0;
    ``erfc(+inf) = 0``, ``erfc(-inf) = 2``. Within 2 ulp in float64."""
    return Erfc.apply(_real_floating(a, "erfc"))


def _round_with(a: Any, rule: Any) -> Tensor:
    a = as_tensor(a)
    if a.dtype.kind in "iub":
        return Tensor._wrap(a.data.copy())
    return _Rounding.apply(a, rule)


class Sign(_Rounding):
    """-1, 0 or 1 (``np.sign``, nan → 0); its gradient is 0 everywhere."""


class PiecewiseConstant(_Rounding):
    """Values computed from a by a piecewise constant map (a comparison); gradient 0."""


def with_zero_gradient(a: Tensor, values: np.ndarray) -> Tensor:
    """``values`` (of a's shape) recorded as a function of ``a`` whose gradient is 0: a
    comparison written into a tensor of the graph (``y.gt_(0)``), as PyTorch records it."""
    return PiecewiseConstant.apply(a, lambda _: values)


def _sign_nan_zero(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), np.zeros((), x.dtype), np.sign(x))


def sign(a: Any) -> Tensor:
    """-1, 0 or 1 elementwise, in a's dtype, and 0 for nan (PyTorch's; NumPy's ``sign``
    keeps nan); gradient 0, recorded as PyTorch's (the sign of a tensor that requires grad
    requires grad)."""
    a = as_tensor(a)
    if a.dtype.kind in "iub":
        return Tensor._wrap(np.sign(a.data))
    return Sign.apply(a, _sign_nan_zero)


def floor(a: Any) -> Tensor:
    """The largest integer ``<= a`` elementwise (same dtype); gradient 0."""
    return _round_with(a, np.floor)


def ceil(a: Any) -> Tensor:
    """The smallest integer ``>= a`` elementwise (same dtype); gradient 0."""
    return _round_with(a, np.ceil)


def trunc(a: Any) -> Tensor:
    """``a`` rounded toward zero elementwise (same dtype); gradient 0."""
    return _round_with(a, np.trunc)


def round(a: Any, decimals: int = 0) -> Tensor:
    """``a`` rounded to ``decimals`` decimal places, halves to even (as PyTorch's:
    ``rint(a·10^d)/10^d``, or ``rint(a/10^-d)·10^-d`` for negative d); gradient 0."""
    d = int(decimals)
    if d != 0 and as_tensor(a).dtype.kind in "iub":
        raise TypeError(f"round: decimals={d} needs a floating point tensor, got dtype "
                        f"{as_tensor(a).dtype}")
    if d == 0:
        return _round_with(a, np.rint)
    scale = 10.0 ** abs(d)

    def rule(x: np.ndarray) -> np.ndarray:
        s = x.dtype.type(scale)
        return np.rint(x * s) / s if d > 0 else np.rint(x / s) * s

    return _round_with(a, rule)
