"""The Bessel functions of PyTorch's ``special`` namespace beyond ``i0``: the exponentially
scaled ``i0e`` and ``i1e`` and ``i1`` (differentiable), and ``J₀ J₁ Y₀ Y₁``, ``I₀ I₁ K₀ K₁``,
the scaled ``e^x·K₀``, ``e^x·K₁``, the spherical ``j₀`` and the Airy ``Ai`` (Bessel functions
of order 1/3; not differentiable: PyTorch records no gradient for these, so their result
never requires grad).

Forwards run this package's float64 numerics (``_bessel``, ``_bessel_jy``, ``_bessel_k``,
``_airy``)
and round to the input's dtype; backwards are Tensor ops, so they differentiate again:
``i0e' = i1e - sgn(x)·i0e``, ``i1e' = i0e - i1e·(sgn(x) + 1/x)`` (½ at 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import _airy, _bessel, _bessel_jy, _bessel_k
from ._util import floating
from .elementwise import where
from .special import I1, _in_float64, _Numeric
from .unary import sign


class I0e(_Numeric):
    """``e^(-|a|)·I₀(a)``; d/da = i1e(a) - sgn(a)·i0e(a)."""

    numeric = staticmethod(lambda a: _bessel.scaled(a, 0))
    slope = staticmethod(lambda a: I1e.apply(a) - sign(a) * I0e.apply(a))


def _i1e_slope(a: Tensor) -> Tensor:
    zero = a.data == 0
    safe = where(zero, 1.0, a)
    return where(zero, 0.5, I0e.apply(a) - I1e.apply(safe) * (sign(safe) + 1.0 / safe))


class I1e(_Numeric):
    """``e^(-|a|)·I₁(a)``; d/da = i0e(a) - i1e(a)·(sgn(a) + 1/a), ½ at 0."""

    numeric = staticmethod(lambda a: _bessel.scaled(a, 1))
    slope = staticmethod(_i1e_slope)


def i0e(input: Any) -> Tensor:
    """The exponentially scaled modified Bessel function ``e^(-|x|)·I₀(x)`` elementwise
    (finite for every x: 0 at ±inf); d/dx = i1e(x) - sgn(x)·i0e(x)."""
    return I0e.apply(floating(input))


def i1(input: Any) -> Tensor:
    """The modified Bessel function of the first kind of order 1, ``I₁(x) = (x/2) Σ_k
    (x²/4)^k/(k!(k+1)!)``, elementwise; d/dx = I₀(x) - I₁(x)/x (½ at 0). nan at ±inf, as
    PyTorch's."""
    return I1.apply(floating(input))


def i1e(input: Any) -> Tensor:
    """``e^(-|x|)·I₁(x)`` elementwise (±0 at ±inf); d/dx = i0e(x) - i1e(x)·(sgn(x) + 1/x),
    ½ at 0."""
    return I1e.apply(floating(input))


def _constant(numeric: Callable[[np.ndarray], np.ndarray], input: Any) -> Tensor:
    """``numeric`` on input's values in float64, rounded to its floating dtype, recorded
    as a constant (PyTorch defines no gradient for these functions)."""
    return Tensor._wrap(_in_float64(numeric, floating(input).data))


def bessel_j0(input: Any) -> Tensor:
    """The Bessel function of the first kind of order 0, ``J₀(x) = Σ_k (-x²/4)^k/(k!)²``
    (even; nan at ±inf, as PyTorch's). Not differentiable, as in PyTorch. Within ~1e-13
    (relative, absolute near its zeros) in float64; PyTorch's is off by up to 1e-7 on
    5 < |x| < 25."""
    return _constant(lambda x: _bessel_jy.bessel_j(x, 0), input)


def bessel_j1(input: Any) -> Tensor:
    """``J₁(x) = (x/2) Σ_k (-x²/4)^k/(k!(k+1)!)`` (odd; nan at ±inf). Not differentiable,
    as in PyTorch."""
    return _constant(lambda x: _bessel_jy.bessel_j(x, 1), input)


def bessel_y0(input: Any) -> Tensor:
    """The Bessel function of the second kind of order 0, ``Y₀`` (-inf at 0, nan for
    x < 0 and at inf, as PyTorch's). Not differentiable, as in PyTorch."""
    return _constant(lambda x: _bessel_jy.bessel_y(x, 0), input)


def bessel_y1(input: Any) -> Tensor:
    """``Y₁ = -Y₀'`` (-inf at 0, nan for x < 0 and at inf). Not differentiable, as in
    PyTorch."""
    return _constant(lambda x: _bessel_jy.bessel_y(x, 1), input)


def modified_bessel_i0(input: Any) -> Tensor:
    """``I₀(x)``, as ``i0`` but not differentiable (PyTorch's ``modified_bessel_i0``)."""
    return _constant(_bessel.i0, input)


def modified_bessel_i1(input: Any) -> Tensor:
    """``I₁(x)``, as ``i1`` but not differentiable (PyTorch's ``modified_bessel_i1``)."""
    return _constant(_bessel.i1, input)


def modified_bessel_k0(input: Any) -> Tensor:
    """The modified Bessel function of the second kind of order 0, ``K₀(x)`` (inf at 0,
    nan for x < 0, 0 at inf). Not differentiable, as in PyTorch."""
    return _constant(lambda x: _bessel_k.bessel_k(x, 0), input)


def modified_bessel_k1(input: Any) -> Tensor:
    """``K₁(x) = -K₀'(x)`` (inf at 0, nan for x < 0, 0 at inf). Not differentiable."""
    return _constant(lambda x: _bessel_k.bessel_k(x, 1), input)


def scaled_modified_bessel_k0(input: Any) -> Tensor:
    """``e^x·K₀(x)``, finite where K₀ underflows. Not differentiable, as in PyTorch."""
    return _constant(lambda x: _bessel_k.bessel_k(x, 0, scaled=True), input)


def scaled_modified_bessel_k1(input: Any) -> Tensor:
    """``e^x·K₁(x)``. Not differentiable, as in PyTorch."""
    return _constant(lambda x: _bessel_k.bessel_k(x, 1, scaled=True), input)


def _spherical_j0(x: np.ndarray) -> np.ndarray:
    safe = np.where(x == 0, 1.0, x)  # sin x/x has sin's relative accuracy down to the subnormals
    with np.errstate(invalid="ignore"):
        return np.where(x == 0, 1.0, np.where(np.isinf(x), 0.0, np.sin(safe) / safe))


def spherical_bessel_j0(input: Any) -> Tensor:
    """The spherical Bessel function of the first kind of order 0, ``j₀(x) = sin(x)/x``
    (1 at 0, 0 at ±inf, as PyTorch's). Not differentiable, as in PyTorch."""
    return _constant(_spherical_j0, input)


def airy_ai(input: Any) -> Tensor:
    """The Airy function ``Ai(x)``, the solution of ``y'' = x·y`` that decays as x → +inf
    (``√(x/3)/π·K_{1/3}(2x^(3/2)/3)`` for x > 0); nan at ±inf, as PyTorch's. Not
    differentiable, as in PyTorch. Within ~1e-13 in float64 (PyTorch's: ~1e-6)."""
    return _constant(_airy.airy_ai, input)


__all__ = ["I0e", "I1e", "airy_ai", "i0e", "i1", "i1e", "bessel_j0", "bessel_j1", "bessel_y0",
           "bessel_y1", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0",
           "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "spherical_bessel_j0"]
