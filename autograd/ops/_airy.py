"""The Airy function ``Ai`` on float64 NumPy arrays (NumPy has none; SciPy is not a
dependency), the solution of ``y'' = x·y`` that decays as x → +inf.

- ``-9 <= x < 2``: Taylor series about the nearest of the centres ``c = j/2``:
  ``y(c + h) = Σ a_k h^k`` with ``a_{k+2} = (c·a_k + a_{k-1})/((k+1)(k+2))`` (the
  equation itself), |h| <= 1/4, 30 terms. The values ``Ai(c)``, ``Ai'(c)`` at the centres
  come from the same series, stepped out from ``Ai(0) = 1/(3^(2/3)Γ(2/3))``,
  ``Ai'(0) = -1/(3^(1/3)Γ(1/3))`` once, on first use.
- ``x >= 2``: ``Ai(x) = √(x/3)/π · K_{1/3}(ζ)``, ``ζ = (2/3)x^(3/2)``, with ``K_{1/3}`` by
  Steed's continued fraction (``_bessel_k.steed``); 0 once it underflows.
- ``x < -9``: the asymptotic expansion (A&S 10.4.60) ``Ai(-z) ~ (π^(-1/2) z^(-1/4))
  [sin(ζ + π/4) Σ (-1)^k u_{2k} ζ^(-2k) - cos(ζ + π/4) Σ (-1)^k u_{2k+1} ζ^(-2k-1)]``,
  ``u_k = u_{k-1}·(6k-5)(6k-3)(6k-1)/(216·k·(2k-1))``, error below e^(-2ζ) ≈ 1e-16.

nan at ±inf and nan, as PyTorch's. Within ~1e-14 relative (absolute near the zeros), up
to |x| ~ 1e3; the phase ζ of the oscillation is rounded in float64 beyond that.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from ._bessel_k import steed

_LOW, _HIGH = -9.0, 2.0
_STEP = 0.5
_TAYLOR_TERMS = 30
_ASYMPTOTIC_TERMS = 12
_AI0 = 1.0 / (3.0 ** (2.0 / 3.0) * math.gamma(2.0 / 3.0))
_DAI0 = -1.0 / (3.0 ** (1.0 / 3.0) * math.gamma(1.0 / 3.0))


def _taylor(centre: float | np.ndarray, value, slope, h):
    """``y(c + h)`` and ``y'(c + h)`` for ``y'' = x·y`` with ``y(c), y'(c)`` given."""
    a = [value, slope, centre * value / 2.0]
    for k in range(1, _TAYLOR_TERMS):
        a.append((centre * a[k] + a[k - 1]) / ((k + 1) * (k + 2)))
    y = a[-1] * 0.0
    dy = a[-1] * 0.0
    for k in range(len(a) - 1, -1, -1):
        y = y * h + a[k]
        if k:
            dy = dy * h + k * a[k]
    return y, dy


@cache
def _centres() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The centres ``j/2`` in [-9, 2] with ``Ai`` and ``Ai'`` there."""
    centres = np.arange(_LOW, _HIGH + _STEP, _STEP)
    values, slopes = np.empty_like(centres), np.empty_like(centres)
    zero = int(np.flatnonzero(centres == 0.0)[0])
    values[zero], slopes[zero] = _AI0, _DAI0
    for direction in (1, -1):
        i = zero
        while 0 <= i + direction < centres.size:
            values[i + direction], slopes[i + direction] = _taylor(
                float(centres[i]), values[i], slopes[i], direction * _STEP)
            i += direction
    return centres, values, slopes


def _oscillating(z: np.ndarray) -> np.ndarray:
    """``Ai(-z)`` for z > 9."""
    zeta = 2.0 / 3.0 * z * np.sqrt(z)
    even, odd = np.ones_like(z), np.zeros_like(z)
    u, power = 1.0, np.ones_like(z)
    for k in range(1, 2 * _ASYMPTOTIC_TERMS):
        u *= (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / (216.0 * k * (2 * k - 1))
        power = power / zeta
        sign = -1.0 if (k // 2) % 2 else 1.0
        if k % 2:
            odd += sign * u * power
        else:
            even += sign * u * power
    # sin(ζ + π/4), cos(ζ + π/4) from sin ζ, cos ζ (ζ + π/4 would round again)
    s, c = np.sin(zeta), np.cos(zeta)
    sin_phase, cos_phase = (s + c) * math.sqrt(0.5), (c - s) * math.sqrt(0.5)
    return (sin_phase * even - cos_phase * odd) / (math.sqrt(math.pi) * np.sqrt(np.sqrt(z)))


def airy_ai(x: np.ndarray) -> np.ndarray:
    """``Ai(x)``: nan at ±inf and for nan, as PyTorch's; 0 where it underflows."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    with np.errstate(all="ignore"):
        mid = (x >= _LOW) & (x < _HIGH)
        if mid.any():
            centres, values, slopes = _centres()
            xm = x[mid]
            j = np.rint((xm - _LOW) / _STEP).astype(np.intp)
            out[mid] = _taylor(centres[j], values[j], slopes[j], xm - centres[j])[0]
        right = (x >= _HIGH) & (x < np.inf)
        xr = x[right]
        zeta = 2.0 / 3.0 * xr * np.sqrt(xr)
        out[right] = np.sqrt(xr / 3.0) / np.pi * steed(zeta, 1.0 / 3.0)[0] * np.exp(-zeta)
        left = (x < _LOW) & (x > -np.inf)
        out[left] = _oscillating(-x[left])
    return out
