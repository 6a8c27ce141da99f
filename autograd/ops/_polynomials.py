"""The classical orthogonal polynomials of PyTorch's ``special`` namespace on float64 NumPy
arrays: Chebyshev ``T U V W`` (and their shifted forms on [0, 1]), Hermite ``H`` (the
physicists') and ``He`` (the probabilists'), Laguerre ``L`` and Legendre ``P``.

Each is its three-term recurrence ``p_{k+1} = (α_k·x + β_k)·p_k - γ_k·p_{k-1}``, run
elementwise over broadcast ``x`` and degree ``n`` (n truncated towards zero; 0 for negative
n, as PyTorch's), so the cost grows with the largest n. Chebyshev T of degree above 6 on
(-1, 1) is ``cos(n·acos x)``, PyTorch's form there. Every recurrence is exact at its
special points (T at ±1, L at 0...), so they need no case of their own. nan in, nan out
(PyTorch's vectorized kernels return another element's value for some).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# name: (p₁(x), the step (x, k, p_k, p_{k-1}) -> p_{k+1})
Step = Callable[[np.ndarray, int, np.ndarray, np.ndarray], np.ndarray]
_CHEBYSHEV: Step = lambda x, k, p, q: 2.0 * x * p - q  # noqa: E731
FAMILIES: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Step]] = {
    "chebyshev_t": (lambda x: x, _CHEBYSHEV),
    "chebyshev_u": (lambda x: 2.0 * x, _CHEBYSHEV),
    "chebyshev_v": (lambda x: 2.0 * x - 1.0, _CHEBYSHEV),
    "chebyshev_w": (lambda x: 2.0 * x + 1.0, _CHEBYSHEV),
    "hermite_h": (lambda x: 2.0 * x, lambda x, k, p, q: 2.0 * x * p - 2.0 * k * q),
    "hermite_he": (lambda x: x, lambda x, k, p, q: x * p - k * q),
    "laguerre_l": (lambda x: 1.0 - x,
                   lambda x, k, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1)),
    "legendre_p": (lambda x: x, lambda x, k, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1)),
}
_TRIG_ABOVE = 6  # T_n(x) = cos(n·acos x) on (-1, 1) from this degree on, as PyTorch


def evaluate(family: str, x: np.ndarray, n: np.ndarray, shifted: bool = False) -> np.ndarray:
    """The degree-``n`` polynomial of ``family`` at ``x`` (``2x - 1`` with ``shifted``)."""
    x, n = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(n, np.float64))
    if shifted:
        x = x + x - 1.0
    with np.errstate(invalid="ignore"):
        degree = np.where(n >= 0, np.trunc(n), -1.0)  # nan n counts as negative
    first, step = FAMILIES[family]
    prev, cur = np.ones_like(x), first(x)
    out = np.where(degree == 0, 1.0, np.where(degree == 1, cur, 0.0))
    top = int(degree.max()) if degree.size else 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, top):
            prev, cur = cur, step(x, k, cur, prev)
            out = np.where(degree == k + 1, cur, out)
        if family == "chebyshev_t":
            trig = (degree > _TRIG_ABOVE) & (np.abs(x) < 1.0)
            out = np.where(trig, np.cos(degree * np.arccos(np.clip(x, -1.0, 1.0))), out)
    return np.where(np.isnan(x) & (degree >= 0), np.nan, out)
