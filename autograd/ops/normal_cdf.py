"""The standard normal's distribution functions and ``erfcx``: ``ndtr``, ``log_ndtr``,
``ndtri`` and ``erfcx(x) = e^(x²)·erfc(x)``, differentiable (twice and more: the backwards
are Tensor ops). Numerics in ``_normal`` (float64, rounded to the input's dtype).

- ``erfcx' = 2x·erfcx(x) - 2/√π``
- ``ndtr(x) = Φ(x) = erfc(-x/√2)/2``, ``Φ' = e^(-x²/2)/√(2π)``
- ``log_ndtr' = √(2/π)/erfcx(-x/√2)`` (the ratio φ/Φ without underflow)
- ``ndtri' (p) = √(2π)·e^(ndtri(p)²/2)``
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import _normal
from ._util import floating
from .special import GaussianInverse, _Numeric
from .unary import erfc

_SQRT_HALF = 0.7071067811865476
_TWO_OVER_SQRT_PI = 1.1283791670955126
_SQRT_TWO_OVER_PI = 0.7978845608028654
_SQRT_TWO_PI = 2.5066282746310002


class Erfcx(_Numeric):
    """``e^(a²)·erfc(a)``; d/da = 2a·erfcx(a) - 2/√π."""

    numeric = staticmethod(_normal.erfcx)
    slope = staticmethod(lambda a: 2.0 * a * Erfcx.apply(a) - _TWO_OVER_SQRT_PI)


class LogNdtr(_Numeric):
    """``log Φ(a)``; d/da = √(2/π)/erfcx(-a/√2)."""

    numeric = staticmethod(_normal.log_ndtr)
    slope = staticmethod(lambda a: _SQRT_TWO_OVER_PI / Erfcx.apply(a * -_SQRT_HALF))


class Ndtri(GaussianInverse):
    """``Φ⁻¹(p)``; d/dp = √(2π)·e^(out²/2)."""

    numeric = staticmethod(_normal.ndtri)
    weight, factor = 0.5, _SQRT_TWO_PI


def erfcx(input: Any) -> Tensor:
    """The scaled complementary error function ``e^(x²)·erfc(x)`` elementwise, finite where
    erfc underflows (≈ 1/(x√π) for large x); inf at -inf and from about -26.6, 0 at inf.
    d/dx = 2x·erfcx(x) - 2/√π."""
    return Erfcx.apply(floating(input))


def ndtr(input: Any) -> Tensor:
    """The standard normal CDF ``Φ(x) = erfc(-x/√2)/2`` elementwise (relative accuracy
    kept in the lower tail); d/dx = e^(-x²/2)/√(2π)."""
    return erfc(floating(input) * -_SQRT_HALF) * 0.5


def log_ndtr(input: Any) -> Tensor:
    """``log Φ(x)`` elementwise, accurate far into both tails (≈ -x²/2 for x → -inf,
    ≈ -Φ(-x) for large x); d/dx = φ(x)/Φ(x) = √(2/π)/erfcx(-x/√2)."""
    return LogNdtr.apply(floating(input))


def ndtri(input: Any) -> Tensor:
    """The standard normal quantile ``Φ⁻¹(p)`` elementwise: -inf at 0, inf at 1, nan
    outside [0, 1]; accurate down to the smallest subnormal p. d/dp = √(2π)·e^(x²/2)."""
    return Ndtri.apply(floating(input))


__all__ = ["Erfcx", "LogNdtr", "Ndtri", "erfcx", "ndtr", "log_ndtr", "ndtri"]
