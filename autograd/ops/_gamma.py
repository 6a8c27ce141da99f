"""The gamma family on float64 NumPy arrays (NumPy has none of it): ``lgamma``,
``digamma``, ``polygamma`` and the Hurwitz zeta function they rest on.

- Hurwitz zeta ``ζ(s, q) = Σ_{j>=0} (q + j)^-s``: the first terms summed until
  ``a = q + m >= 10``, the rest by Euler-Maclaurin, ``a^(1-s)/(s-1) + a^-s/2 +
  Σ_k B₂ₖ/(2k)! · s(s+1)···(s+2k-2) · a^(-s-2k+1)`` (12 Bernoulli terms: below 1e-19
  relative for a >= 10).
- ``polygamma(n, x) = (-1)^(n+1) n! ζ(n+1, x)`` for n >= 1 (the same sum holds for
  negative non-integer x).
- ``digamma``: ``ψ(x) = ψ(x + m) - Σ 1/(x + j)`` up to x >= 10, then
  ``ψ(x) ~ log x - 1/(2x) - Σ B₂ₖ/(2k·x^2k)``; negative x by reflection,
  ``ψ(x) = ψ(1 - x) - π/tan(π·frac(x))``.
- ``lgamma = log|Γ|``: near its zeros 1 and 2, the Taylor series ``lgamma(1 + z) =
  -γz + Σ_{k>=2} (-1)^k ζ(k)/k · z^k`` (|z| <= 1/2, so no digits cancel there), moved
  to (0, 1/2] and (2.5, 10) by ``Γ(x + 1) = x·Γ(x)``; Stirling's series from 10 on;
  negative x by reflection, ``lgamma(x) = log(π/|sin πx|) - lgamma(1 - x)``.

Special values follow PyTorch (see each function).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ._erf import _horner

_BERNOULLI = (Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30),
              Fraction(5, 66), Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510),
              Fraction(43867, 798), Fraction(-174611, 330), Fraction(854513, 138),
              Fraction(-236364091, 2730))  # B₂, B₄, ..., B₂₄
# B₂ₖ/(2k)!, the Euler-Maclaurin weights.
_EM = tuple(float(b / math.factorial(2 * k)) for k, b in enumerate(_BERNOULLI, 1))
# B₂ₖ/(2k), digamma's asymptotic weights (k = 1..8).
_PSI_ASYMPTOTIC = tuple(float(b / (2 * k)) for k, b in enumerate(_BERNOULLI[:8], 1))
# B₂ₖ/(2k(2k-1)), Stirling's weights (k = 1..8).
_STIRLING = tuple(float(b / (2 * k * (2 * k - 1))) for k, b in enumerate(_BERNOULLI[:8], 1))
_HALF_LOG_2PI = 0.9189385332046727
_EULER_GAMMA = 0.5772156649015329
_SHIFT_TO = 10.0


def _zeta_finite(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``ζ(s, q)`` for s > 1 and finite q that is not a non-positive integer."""
    total = np.zeros(np.broadcast_shapes(s.shape, q.shape))
    if total.size == 0:
        return total
    terms = int(max(_SHIFT_TO, math.ceil(_SHIFT_TO - float(q.min()))))
    for j in range(terms):
        total += (q + j) ** -s
    a = q + terms
    power = a ** -s
    total += a ** (1.0 - s) / (s - 1.0) + 0.5 * power
    rising = s * power / a  # s(s+1)···(s+2k-2) · a^(-s-2k+1), for k = 1
    inv_a2 = 1.0 / (a * a)
    for k, weight in enumerate(_EM, 1):
        total += weight * rising
        rising = rising * (s + 2 * k - 1) * (s + 2 * k) * inv_a2
    return total


def hurwitz_zeta(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``ζ(s, q)`` for s > 1 (broadcast): inf at non-positive integer q and -inf, 0 at
    +inf, nan for nan."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    pole = (q <= 0) & (q == np.floor(q))
    good = np.isfinite(q) & ~pole
    out = np.where(pole, np.inf, np.where(q == np.inf, 0.0, np.nan))
    out[good] = _zeta_finite(s[good], q[good])
    return out


_LGAMMA_TAYLOR = tuple(((-1) ** k) * float(z) / k for k, z in
                       zip(range(2, 61), hurwitz_zeta(np.arange(2.0, 61.0), np.ones(59))))


def _lgamma_near_one(z: np.ndarray) -> np.ndarray:
    """``lgamma(1 + z)`` for |z| <= 1/2 by its Taylor series."""
    return z * (_horner(z, _LGAMMA_TAYLOR[::-1]) * z - _EULER_GAMMA)


def _stirling(x: np.ndarray) -> np.ndarray:
    """``lgamma(x)`` for x >= 10 (inf where it overflows)."""
    with np.errstate(over="ignore"):
        inv2 = 1.0 / (x * x)
    series = _horner(inv2, _STIRLING[::-1])
    with np.errstate(over="ignore", invalid="ignore"):
        return x * (np.log(x) - 1.0) - 0.5 * np.log(x) + _HALF_LOG_2PI + series / x


def _lgamma_positive(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    tiny, low, mid = x <= 0.5, (x > 0.5) & (x <= 1.5), (x > 1.5) & (x <= 2.5)
    out[tiny] = _lgamma_near_one(x[tiny]) - np.log(x[tiny])
    out[low] = _lgamma_near_one(x[low] - 1.0)
    z = x[mid] - 2.0
    out[mid] = _lgamma_near_one(z) + np.log1p(z)
    shifted = (x > 2.5) & (x < _SHIFT_TO)
    y = x[shifted]
    steps = np.ceil(y - 2.5)
    base = y - steps
    product = np.ones_like(y)
    for j in range(int(steps.max()) if y.size else 0):
        product *= np.where(j < steps, base + j, 1.0)
    z = base - 2.0
    out[shifted] = _lgamma_near_one(z) + np.log1p(z) + np.log(product)
    big = x >= _SHIFT_TO
    out[big] = _stirling(x[big])
    return out


def _sin_pi(x: np.ndarray) -> np.ndarray:
    """``sin(πx)``, with the argument reduced exactly (x - round(x) is exact)."""
    n = np.round(x)
    r = x - n
    return np.where(np.fmod(n, 2.0) == 0, 1.0, -1.0) * np.sin(np.pi * r)


def lgamma(x: np.ndarray) -> np.ndarray:
    """``log|Γ(x)|``: inf at 0, the negative integers and ±inf; nan for nan."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.inf)
    out[np.isnan(x)] = np.nan
    pos = np.isfinite(x) & (x > 0)
    out[pos] = _lgamma_positive(x[pos])
    neg = np.isfinite(x) & (x < 0) & (x != np.floor(x))
    xn = x[neg]
    with np.errstate(divide="ignore"):
        out[neg] = np.log(np.pi / np.abs(_sin_pi(xn))) - _lgamma_positive(1.0 - xn)
    return out


def _digamma_positive(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    x = x.copy()
    with np.errstate(divide="ignore"):
        while x.size and x.min() < _SHIFT_TO:
            small = x < _SHIFT_TO
            out[small] -= 1.0 / x[small]
            x[small] += 1.0
    with np.errstate(over="ignore"):
        inv2 = 1.0 / (x * x)
    series = _horner(inv2, _PSI_ASYMPTOTIC[::-1])
    return out + np.log(x) - 0.5 / x - series * inv2


def digamma(x: np.ndarray) -> np.ndarray:
    """``ψ(x) = Γ'(x)/Γ(x)``: -inf at +0 and +inf at -0 (PyTorch's rule), nan at the
    negative integers and -inf, inf at inf."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    out[x == np.inf] = np.inf
    zero = x == 0
    out[zero] = np.copysign(np.inf, -x[zero])
    pos = np.isfinite(x) & (x > 0)
    out[pos] = _digamma_positive(x[pos])
    neg = np.isfinite(x) & (x < 0) & (x != np.floor(x))
    xn = x[neg]
    out[neg] = _digamma_positive(1.0 - xn) - np.pi / np.tan(np.pi * np.fmod(xn, 1.0))
    return out


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """``ψ⁽ⁿ⁾(x)``, the n-th derivative of digamma (n >= 0): ``(-1)^(n+1) n! ζ(n+1, x)``
    for n >= 1, ``(-1)^(n+1)·inf`` at 0, the negative integers and -inf, 0 at inf."""
    if n == 0:
        return digamma(x)
    with np.errstate(over="ignore", invalid="ignore"):
        return ((-1.0) ** (n + 1) * float(math.factorial(n))) * hurwitz_zeta(n + 1.0, x)
