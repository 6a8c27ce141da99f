"""The Bessel functions of the first and second kind ``J₀ J₁ Y₀ Y₁`` on float64 NumPy
arrays (NumPy has none of them; SciPy is not a dependency).

For ``|x| < 2``, the power series (no digits cancel there), with A&S 9.1.11 for ``Y``::

    J₀ = Σ (-x²/4)^k/(k!)²,    J₁ = (x/2) Σ (-x²/4)^k/(k!(k+1)!)
    Y₀ = (2/π)(log(x/2) + γ)·J₀ - (2/π) Σ_{k>=1} H_k (-x²/4)^k/(k!)²
    Y₁ = -2/(πx) + (2/π) log(x/2)·J₁ - (x/2π) Σ (ψ(k+1) + ψ(k+2)) (-x²/4)^k/(k!(k+1)!)

For ``2 <= |x| < 25``, Miller's backward recurrence ``J_{n-1} = (2n/x)·J_n - J_{n+1}``, started
far above ``x`` from (0, tiny) and normalized by ``J₀ + 2 Σ_k J_{2k} = 1``: it is stable in
that direction, and all its terms are bounded by 1, so no digits cancel. The second kind
then follows from Neumann's series of the same ``J_n``::

    Y₀ = (2/π)·[(log(x/2) + γ)·J₀ - 2 Σ_k (-1)^k J_{2k}/k]
    Y₁ = -Y₀' = -(2/π)·[J₀/x - (log(x/2) + γ)·J₁ - Σ_k (-1)^k (J_{2k-1} - J_{2k+1})/k]

From 25 on, Hankel's asymptotic expansion ``J_ν = √(2/(πx))·(P cos χ - Q sin χ)``,
``Y_ν = √(2/(πx))·(P sin χ + Q cos χ)``, ``χ = x - (ν/2 + 1/4)π``, whose error is below
e^(-2x). ``cos χ`` and ``sin χ`` are combined from ``cos x`` and ``sin x``, so the phase
is not rounded for large x. Accuracy is absolute (~1e-16) near the functions' zeros.
"""

from __future__ import annotations

import numpy as np

_SERIES_BELOW = 2.0
_SERIES_TERMS = 30
_ASYMPTOTIC_FROM = 25.0
_ASYMPTOTIC_TERMS = 30
_EULER_GAMMA = 0.5772156649015329
_RESCALE_ABOVE = 1e250


def _series(x: np.ndarray, order: int, second_kind: bool) -> np.ndarray:
    """The power series for ``0 < x < 2``."""
    quarter = -x * x / 4.0
    term = np.ones_like(x) if order == 0 else x / 2.0  # (x/2)^order (-x²/4)^k/(k!(k+order)!)
    j = term.copy()
    harmonic = 0.0  # H_k
    psi_sum = -2.0 * _EULER_GAMMA + 1.0  # ψ(k+1) + ψ(k+2) at k = 0
    extra = np.zeros_like(x) if order == 0 else psi_sum * term
    for k in range(1, _SERIES_TERMS):
        term = term * quarter / (k * (k + order))
        j += term
        harmonic += 1.0 / k
        psi_sum += 1.0 / k + 1.0 / (k + 1)
        extra += (harmonic if order == 0 else psi_sum) * term
    if not second_kind:
        return j
    if order == 0:
        return (2.0 / np.pi) * ((np.log(x / 2.0) + _EULER_GAMMA) * j - extra)
    return -2.0 / (np.pi * x) + (2.0 / np.pi) * np.log(x / 2.0) * j - extra / np.pi


def _miller(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``J₀, J₁`` and the Neumann sums ``S₀ = Σ (-1)^k J_{2k}/k``,
    ``S₁ = Σ (-1)^k (J_{2k-1} - J_{2k+1})/k`` for ``2 <= x < 25``."""
    top = 2 * int((float(x.max()) + 30.0 + 8.0 * np.sqrt(float(x.max()))) / 2) + 2
    inv = 2.0 / x
    above, here = np.zeros_like(x), np.full_like(x, 1e-30)  # J_{n+1}, J_n for n = top
    norm = np.zeros_like(x)
    s0 = np.zeros_like(x)
    s1 = np.zeros_like(x)
    for n in range(top, 0, -1):
        below = n * inv * here - above  # J_{n-1}, from J_n and J_{n+1}
        if n % 2 == 0:
            k = n // 2
            sign = -1.0 if k % 2 else 1.0
            norm += 2.0 * here
            s0 += sign * here / k
            s1 += sign * (below - above) / k
        above, here = here, below
        big = np.abs(here) > _RESCALE_ABOVE
        if big.any():
            scale = np.where(big, 1.0 / _RESCALE_ABOVE, 1.0)
            for arr in (above, here, norm, s0, s1):
                arr *= scale
    norm += here  # J₀
    return here / norm, above / norm, s0 / norm, s1 / norm


def _hankel(x: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """``J_order, Y_order`` by Hankel's expansion, x >= 25 (nan at inf, as PyTorch's)."""
    mu = 4.0 * order * order
    term = np.ones_like(x)
    p, q = term.copy(), np.zeros_like(x)
    for k in range(1, 2 * _ASYMPTOTIC_TERMS):
        term = term * (mu - (2 * k - 1) ** 2) / (8.0 * k * x)
        if k % 2:
            q += term if k % 4 == 1 else -term
        else:
            p += term if k % 4 == 0 else -term
    with np.errstate(invalid="ignore"):  # cos(inf) is nan, PyTorch's value there
        c, s = np.cos(x), np.sin(x)
    root = np.sqrt(2.0 / (np.pi * x)) / np.sqrt(2.0)
    if order == 0:  # χ = x - π/4
        cos_chi, sin_chi = c + s, s - c
    else:  # χ = x - 3π/4
        cos_chi, sin_chi = s - c, -(s + c)
    j = root * (p * cos_chi - q * sin_chi)
    y = root * (p * sin_chi + q * cos_chi)
    return j, y


def _positive(x: np.ndarray, order: int, second_kind: bool) -> np.ndarray:
    """The function at x > 0 (inf included)."""
    out = np.empty_like(x)
    tiny = x < _SERIES_BELOW
    out[tiny] = _series(x[tiny], order, second_kind)
    small = (x >= _SERIES_BELOW) & (x < _ASYMPTOTIC_FROM)
    xs = x[small]
    if xs.size:
        j0, j1, s0, s1 = _miller(xs)
        if not second_kind:
            out[small] = j0 if order == 0 else j1
        else:
            log_term = np.log(xs / 2.0) + _EULER_GAMMA
            if order == 0:
                out[small] = (2.0 / np.pi) * (log_term * j0 - 2.0 * s0)
            else:
                out[small] = -(2.0 / np.pi) * (j0 / xs - log_term * j1 - s1)
    big = x >= _ASYMPTOTIC_FROM
    j, y = _hankel(x[big], order)
    out[big] = y if second_kind else j
    return out


def bessel_j(x: np.ndarray, order: int) -> np.ndarray:
    """``J₀`` (even) or ``J₁`` (odd): 1 or 0 at 0, nan at ±inf and nan (PyTorch's)."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    zero = ax == 0
    out[zero] = 1.0 if order == 0 else 0.0
    pos = ax > 0
    out[pos] = _positive(ax[pos], order, False)
    return out if order == 0 else np.where(x < 0, -out, out)


def bessel_y(x: np.ndarray, order: int) -> np.ndarray:
    """``Y₀`` or ``Y₁``: -inf at 0, nan for x < 0, inf and nan (PyTorch's)."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    out[x == 0] = -np.inf
    pos = x > 0
    out[pos] = _positive(x[pos], order, True)
    return out
