"""The inverse error function on float64 NumPy arrays (NumPy has none).

M. Giles' single-precision approximation ("Approximating the erfinv function", GPU
Computing Gems Jade Edition, 2011), a polynomial in ``w = -log(1 - y²)`` (about 1e-7
relative up to w = 16, the float32 range); further out, where it drifts, the tail's
``erfc(t) ≈ e^(-t²)/(t√π)`` solved for t by fixed-point steps. Then Newton steps on the
accurate ``erf`` (``kernels.erf``). Where ``|y| > 1/2`` they solve ``log erfc(t) =
log(1 - |y|)`` instead: ``1 - |y|`` is exact there, erfc keeps its relative accuracy and
the log is nearly linear in t, so the steps converge and keep full precision as y
approaches ±1 (where ``erf(t) - y`` would be all rounding error).
"""

from __future__ import annotations

import numpy as np

from .. import kernels
from ._erf import _horner

_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
            0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
         0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)
_SQRT_PI_OVER_2 = 0.8862269254527580
_SQRT_PI = 1.7724538509055160
_GILES_UP_TO = 16.0
_NEWTON_STEPS = 3


def _giles(y: np.ndarray) -> np.ndarray:
    """Giles' first guess for erfinv(y), |y| < 1."""
    w = -np.log((1.0 - y) * (1.0 + y))
    central = w < 5.0
    p = np.where(central, _horner(w - 2.5, _CENTRAL),
                 _horner(np.sqrt(np.maximum(w, 5.0)) - 3.0, _TAIL))
    return p * y


def _far_tail(gap: np.ndarray) -> np.ndarray:
    """t with ``e^(-t²)/(t√π) = gap`` (erfc's leading asymptotic term), for tiny gap."""
    t = np.sqrt(-np.log(gap))
    for _ in range(3):
        t = np.sqrt(-np.log(gap * _SQRT_PI * t))
    return t


def erfinv(y: np.ndarray) -> np.ndarray:
    """``erfinv(y)``, the t with ``erf(t) = y``: ±inf at ±1, nan outside [-1, 1] and for
    nan, ``erfinv(-0) = -0``."""
    y = np.asarray(y, np.float64)
    out = np.where(np.abs(y) == 1.0, np.copysign(np.inf, y), np.nan)
    inside = np.abs(y) < 1.0
    a = np.abs(y[inside])
    gap = 1.0 - a  # exact where it is used, a > 1/2
    with np.errstate(divide="ignore"):
        far = -np.log(gap * (1.0 + a)) > _GILES_UP_TO
    t = np.where(far, _far_tail(np.where(far, gap, 0.5)), _giles(a))
    near_one = a > 0.5
    for _ in range(_NEWTON_STEPS):
        slope = _SQRT_PI_OVER_2 * np.exp(t * t)  # 1/erf'(t)
        tail = kernels.erfc(t)
        step = np.where(near_one, -np.log1p((tail - gap) / gap) * tail,
                        kernels.erf(t) - a)
        t = t - step * slope
    out[inside] = np.copysign(t, y[inside])
    return out
