"""The regularized incomplete gamma functions ``igamma`` (P, the lower) and ``igammac``
(Q = 1 - P, the upper), and the multivariate log-gamma ``mvlgamma``.

``P(a, x) = γ(a, x) / Γ(a)``, ``γ(a, x) = ∫₀ˣ t^(a-1) e^-t dt``, in float64 NumPy numerics
of our own (NumPy has none; SciPy is not a dependency), both from the prefactor
``e^-x x^a / Γ(a)``:

- ``x < a + 1``: the series ``P = prefactor · Σ_n x^n / (a (a+1) ··· (a+n))``;
- ``x >= a + 1``: the continued fraction ``Q = prefactor / (x + 1 - a - 1·(1-a) / (x + 3 - a
  - 2·(2-a) / (x + 5 - a - ...)))``, evaluated by the modified Lentz method;

the other one as the complement. Each converges to the float64 rounding for moderate
``a`` (tens of digits per ``√a`` terms; capped at 10⁴ terms); the complement loses digits
where it is far below 1 in the other's region (Q for tiny ``a``), where PyTorch's Temme
and asymptotic branches keep them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from . import _gamma
from ._util import floating, unbroadcast
from .elementwise import _binary, exp, log
from .special import lgamma
from .transcend import _floats

_EPS = np.finfo(np.float64).eps
_TINY = 1e-300
_MAX_TERMS = 10_000


def _series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``Σ_n x^n / (a (a+1) ··· (a+n))``, the lower function's series over the prefactor."""
    term = 1.0 / a
    total = term.copy()
    for n in range(1, _MAX_TERMS):
        term = term * x / (a + n)
        total += term
        if np.all(np.abs(term) <= np.abs(total) * _EPS):
            break
    return total


def _continued_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The upper function over its prefactor, by the modified Lentz method."""
    b = x + 1.0 - a
    c = np.full_like(b, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        step = d * c
        h = h * step
        if np.all(np.abs(step - 1.0) <= _EPS):
            break
    return h


def _regularized(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    """P(a, x) (Q with ``upper``) on float64 arrays, with PyTorch's special values: nan for
    a < 0, x < 0, a = x = 0, a = x = inf and nan; P = 1 for a = 0 < x and for x = inf;
    P = 0 for x = 0 < a and for a = inf."""
    a, x = np.broadcast_arrays(a, x)
    lower = np.full(a.shape, np.nan)
    with np.errstate(invalid="ignore"):
        lower[((a == 0) & (x > 0)) | ((x == np.inf) & np.isfinite(a) & (a > 0))] = 1.0
        lower[((x == 0) & (a > 0)) | ((a == np.inf) & np.isfinite(x) & (x >= 0))] = 0.0
        regular = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    aa, xx = a[regular], x[regular]
    result = np.empty(aa.shape)
    if aa.size:
        prefactor = np.exp(aa * np.log(xx) - xx - _gamma.lgamma(aa))
        by_series = xx < aa + 1.0
        s, f = by_series, ~by_series
        p_series = prefactor[s] * _series(aa[s], xx[s]) if s.any() else np.empty(0)
        q_fraction = prefactor[f] * _continued_fraction(aa[f], xx[f]) if f.any() else \
            np.empty(0)
        if upper:
            result[s], result[f] = 1.0 - p_series, q_fraction
        else:
            result[s], result[f] = p_series, 1.0 - q_fraction
    out = np.array(1.0 - lower if upper else lower)
    out[regular] = result
    return out


class _IncompleteGamma(Function):
    """P or Q of (a, x); d/dx = ±x^(a-1) e^-x / Γ(a) (a Tensor expression, so
    differentiable again); d/da is not available, as in PyTorch."""

    upper = False

    @classmethod
    def forward(cls, ctx, a, x):
        ctx.save_for_backward(a, x)
        dtype = np.result_type(a, x)
        return _regularized(a.astype(np.float64), x.astype(np.float64), cls.upper).astype(
            dtype)

    @classmethod
    def backward(cls, ctx, g):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            name = "igammac" if cls.upper else "igamma"
            raise NotImplementedError(f"{name}: the derivative in the first argument (input, "
                                      "a) is not implemented, as in PyTorch; detach() it")
        if not ctx.needs_input_grad[1]:
            return None, None
        shape_a = Tensor._wrap(a.data)
        density = exp((shape_a - 1.0) * log(x) - x - lgamma(shape_a))
        return None, unbroadcast(g * (-density if cls.upper else density), x.shape)


class _Lower(_IncompleteGamma):
    upper = False


class _Upper(_IncompleteGamma):
    upper = True


def _operands(op: str, input: Any, other: Any) -> tuple:
    """The two operands, integer and bool tensors refused (as PyTorch's); Python numbers
    take the tensor's dtype."""
    for v in (input, other):
        if isinstance(v, (Tensor, np.ndarray)) and v.dtype.kind not in "f":
            raise TypeError(f"{op}: expects floating point input and other, got a {v.dtype} "
                            "tensor; convert it with .float() or .double()")
    return _floats(input, other)


def igamma(input: Any, other: Any) -> Tensor:
    """The regularized lower incomplete gamma function ``P(a, x) = γ(a, x)/Γ(a)`` of
    ``a = input``, ``x = other`` (broadcast), in [0, 1]: the probability that a
    Gamma(a, 1) variable is below x. d/dx = ``x^(a-1) e^-x / Γ(a)``; d/da raises
    NotImplementedError, as PyTorch's. Floating inputs only, as PyTorch."""
    return _binary(_Lower, "igamma", *_operands("igamma", input, other))


def igammac(input: Any, other: Any) -> Tensor:
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``;
    d/dx = ``-x^(a-1) e^-x / Γ(a)``, d/da raises NotImplementedError, as PyTorch's."""
    return _binary(_Upper, "igammac", *_operands("igammac", input, other))


def mvlgamma(input: Any, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension ``p``:
    ``log Γ_p(x) = p(p-1)/4 · log π + Σ_{i=0}^{p-1} lgamma(x - i/2)``; inf where some
    ``x - i/2`` is 0 or a negative integer (PyTorch no longer raises there). d/dx =
    ``Σ_i ψ(x - i/2)``. Integer input gives the default float dtype."""
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 1:
        raise ValueError(f"mvlgamma: p has to be an integer >= 1, got {p!r}")
    x = floating(input)
    total = lgamma(x)
    for i in range(1, int(p)):
        total = total + lgamma(x - i / 2)
    return total + p * (p - 1) / 4 * float(np.log(np.pi))
