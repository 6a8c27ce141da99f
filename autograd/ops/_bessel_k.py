"""The modified Bessel functions of the second kind ``K₀`` and ``K₁`` on float64 NumPy
arrays, and their scaled forms ``e^x·K`` (NumPy has none of them).

For ``x <= 2``, the series of A&S 9.6.13 and 9.6.11 (every sum positive)::

    K₀ = -(log(x/2) + γ)·I₀ + Σ_{k>=1} H_k (x²/4)^k/(k!)²
    K₁ = 1/x + log(x/2)·I₁ - (x/4) Σ (ψ(k+1) + ψ(k+2)) (x²/4)^k/(k!(k+1)!)

From 2 on, Steed's continued fraction for ``K₀`` (Thompson and Barnett, J. Comput. Phys.
64 (1986)), which gives ``e^x·K₀`` and ``e^x·K₁`` together and converges in fewer terms as
x grows. K is inf at 0 and nan for x < 0, as PyTorch's.
"""

from __future__ import annotations

import numpy as np

from ._bessel import i0, i1

_SERIES_UP_TO = 2.0
_SERIES_TERMS = 30
_MAX_TERMS = 500
_EULER_GAMMA = 0.5772156649015329
_EPS = np.finfo(np.float64).eps


def _series(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``K₀, K₁`` for ``0 < x <= 2``."""
    quarter = x * x / 4.0
    term0, term1 = np.ones_like(x), np.ones_like(x)  # (x²/4)^k/(k!)², /(k!(k+1)!)
    harmonic, psi_sum = 0.0, 1.0 - 2.0 * _EULER_GAMMA
    sum0, sum1 = np.zeros_like(x), psi_sum * term1
    for k in range(1, _SERIES_TERMS):
        term0 = term0 * quarter / (k * k)
        term1 = term1 * quarter / (k * (k + 1))
        harmonic += 1.0 / k
        psi_sum += 1.0 / k + 1.0 / (k + 1)
        sum0 += harmonic * term0
        sum1 += psi_sum * term1
    log_half = np.log(x / 2.0)
    k0 = -(log_half + _EULER_GAMMA) * i0(x) + sum0
    k1 = 1.0 / x + log_half * i1(x) - x / 4.0 * sum1
    return k0, k1


def steed(x: np.ndarray, order: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``e^x·K_μ(x)`` and ``e^x·K_{μ+1}(x)`` for ``|μ| <= 1/2`` and x > 2 (inf included:
    0). Each element stops where its own sum has converged (the recurrence's ``q`` would
    overflow if run on)."""
    a1 = 0.25 - order * order
    b = 2.0 * (1.0 + x)
    d = 1.0 / b
    h = delta_h = d
    q1, q2 = np.zeros_like(x), np.ones_like(x)
    q = c = a1
    a = -a1
    s = 1.0 + q * delta_h
    done = np.zeros(x.shape, bool)
    for i in range(2, _MAX_TERMS):
        a -= 2 * (i - 1)
        c = -a * c / i
        q_new = (q1 - b * q2) / a
        q1, q2 = q2, q_new
        q = q + c * q_new
        b = b + 2.0
        d = 1.0 / (b + a * d)
        delta_h = np.where(done, 0.0, (b * d - 1.0) * delta_h)
        h = h + delta_h
        delta_s = np.where(done, 0.0, q * delta_h)
        s = s + delta_s
        done |= np.abs(delta_s) <= _EPS * np.abs(s)
        if done.all():
            break
    k = np.sqrt(np.pi / (2.0 * x)) / s
    k_next = k * (order + x + 0.5 - a1 * h) / x
    inf = np.isinf(x)
    return np.where(inf, 0.0, k), np.where(inf, 0.0, k_next)


def bessel_k(x: np.ndarray, order: int, scaled: bool = False) -> np.ndarray:
    """``K₀`` or ``K₁`` (``e^x·K`` with ``scaled``): inf at 0, nan for x < 0 and nan,
    0 at inf."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    out[x == 0] = np.inf
    with np.errstate(all="ignore"):
        return _fill(out, x, order, scaled)


def _fill(out: np.ndarray, x: np.ndarray, order: int, scaled: bool) -> np.ndarray:
    small = (x > 0) & (x <= _SERIES_UP_TO)
    xs = x[small]
    values = _series(xs)[order]
    out[small] = values * np.exp(xs) if scaled else values
    big = x > _SERIES_UP_TO
    xb = x[big]
    values = steed(xb)[order]
    out[big] = values if scaled else np.where(np.isinf(xb), 0.0, values * np.exp(-xb))
    return out
