"""The scaled complementary error function ``erfcx`` and the standard normal's
``log_ndtr`` and ``ndtri`` on float64 NumPy arrays (NumPy has none of them).

- ``erfcx(x) = e^(x²)·erfc(x)``: from 0.46875 on, the ``e^(x²)·erfc(x)`` rationals of
  ``_erf`` (Cody's) before their ``e^(-x²)`` factor, so nothing underflows; below it,
  ``erfc(x)·e^(x²)`` with ``e^(x²)`` split as ``e^(h²)·e^((x-h)(x+h))`` (h: x's leading
  21 bits, h² exact), so the rounding of ``x²`` is not magnified. inf from x ≈ -26.6.
- ``log_ndtr(x) = log Φ(x)``: ``log1p(-erfc(x/√2)/2)`` from -1 on, and
  ``log(erfcx(-x/√2)/2) - x²/2`` below, where Φ underflows.
- ``ndtri(p) = Φ⁻¹(p)``: for ``q = min(p, 1 - p)`` (1 - p is exact for p >= 1/2), Newton's
  method on ``log Φ(x) = log q`` (the slope ``√(2/π)/erfcx(-x/√2)`` never underflows),
  started from ``√2·erfinv(2q - 1)`` or, in the far tail, from the asymptotic
  ``-√(2L - log(4πL))`` with ``L = -log q``; then the sign by symmetry.
"""

from __future__ import annotations

import numpy as np

from ._erf import (
    _BIG,
    _ERFC_SMALL,
    _HIGH_BITS,
    _P_BIG,
    _P_MID,
    _Q_BIG,
    _Q_MID,
    _RSQRT_PI,
    _div_dd,
    _horner,
    _horner_dd,
    erfc,
)
from ._erfinv import erfinv

_SQRT_HALF = 0.7071067811865476
_NEWTON_STEPS = 8
_TAIL_BELOW = 1e-3


def _exp_square(x: np.ndarray) -> np.ndarray:
    """``e^(x²)`` without magnifying the rounding of ``x²``."""
    h = (x.view(np.uint64) & _HIGH_BITS).view(np.float64)
    return np.exp(h * h) * np.exp((x - h) * (x + h))


def erfcx(x: np.ndarray) -> np.ndarray:
    """``e^(x²)·erfc(x)``: inf at -inf (and from about -26.6), 0 at inf, nan for nan."""
    x = np.asarray(x, np.float64)
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        low = ~(x >= _ERFC_SMALL)  # nan goes this way
        xl = x[low]
        out[low] = np.where(xl == -np.inf, np.inf, erfc(xl) * _exp_square(xl))
        mid = (x >= _ERFC_SMALL) & (x < _BIG)
        xm = x[mid]
        hi, lo = _div_dd(*_horner_dd(xm, _P_MID), *_horner_dd(xm, _Q_MID))
        out[mid] = hi + lo
        big = x >= _BIG
        xb = x[big]
        z = 1.0 / (xb * xb)
        out[big] = (_RSQRT_PI[0] - z * (_horner(z, _P_BIG) / _horner(z, _Q_BIG))) / xb
    return out


def log_ndtr(x: np.ndarray) -> np.ndarray:
    """``log Φ(x)``, Φ the standard normal CDF: -inf at -inf, 0 at inf."""
    x = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        tail = np.log(erfcx(-x * _SQRT_HALF) / 2.0) - x * x / 2.0
        body = np.log1p(-erfc(x * _SQRT_HALF) / 2.0)
    return np.where(x < -1.0, tail, body)


def ndtri(p: np.ndarray) -> np.ndarray:
    """``Φ⁻¹(p)``: -inf at 0, inf at 1, nan outside [0, 1] and for nan."""
    p = np.asarray(p, np.float64)
    q = np.where(p > 0.5, 1.0 - p, p)
    inside = (q > 0) & (q <= 0.5)
    qi = q[inside]
    with np.errstate(all="ignore"):
        x = np.sqrt(2.0) * erfinv(2.0 * qi - 1.0)
        ell = -np.log(qi)
        far = qi < _TAIL_BELOW
        x[far] = -np.sqrt(2.0 * ell[far] - np.log(2.0 * np.pi * 2.0 * ell[far]))
        target = np.log(qi)
        for _ in range(_NEWTON_STEPS):
            slope = np.sqrt(2.0 / np.pi) / erfcx(-x * _SQRT_HALF)
            x = x - (log_ndtr(x) - target) / slope
    out = np.full(p.shape, np.nan)
    out[inside] = x
    out[q == 0] = -np.inf  # p = 0 or 1, flipped below
    return np.where(p > 0.5, -out, out)
