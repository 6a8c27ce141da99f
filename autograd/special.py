"""``autograd.special``: PyTorch's ``torch.special`` namespace (loaded on first use).

Every public function of ``torch.special`` 2.13, with its values, dtypes and gradients.
Names PyTorch also has at the top level are this package's same functions (``erf``,
``digamma``, ``logit``...); the rest live in ``ops/bessel.py`` (the Bessel functions and
Airy's), ``ops/normal_cdf.py`` (``ndtr``, ``log_ndtr``, ``ndtri``, ``erfcx``),
``ops/special.py`` (``entr``, ``xlog1py``, ``zeta``) and ``ops/_polynomials.py`` (the
orthogonal polynomials). As in PyTorch, ``bessel_*``, ``modified_bessel_*``,
``scaled_*``, ``spherical_bessel_j0``, ``airy_ai`` and the polynomials record no gradient (their
result never requires grad); ``gammainc``, ``gammaincc`` and ``zeta`` raise
NotImplementedError for the derivative in their first argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import get_default_dtype
from .ops import _polynomials
from .ops._util import as_tensor
from .ops.bessel import (
    airy_ai,
    bessel_j0,
    bessel_j1,
    bessel_y0,
    bessel_y1,
    i0e,
    i1,
    i1e,
    modified_bessel_i0,
    modified_bessel_i1,
    modified_bessel_k0,
    modified_bessel_k1,
    scaled_modified_bessel_k0,
    scaled_modified_bessel_k1,
    spherical_bessel_j0,
)
from .ops.elementwise import astype, log1p, sigmoid
from .ops.elementwise_more import exp2
from .ops.incomplete_gamma import igamma, igammac, mvlgamma
from .ops.normal_cdf import erfcx, log_ndtr, ndtr, ndtri
from .ops.reduce import log_softmax as _log_softmax
from .ops.reduce import logsumexp as _logsumexp
from .ops.reduce import softmax as _softmax
from .ops.special import (
    digamma,
    entr,
    erfinv,
    i0,
    lgamma,
    logit,
    polygamma,
    sinc,
    xlog1py,
    xlogy,
    zeta,
)
from .ops.unary import erf, erfc, expm1, round
from .tensor import Tensor

gammaln = lgamma
psi = digamma
expit = sigmoid
gammainc = igamma
gammaincc = igammac
multigammaln = mvlgamma


def softmax(input: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """``e^{x_i} / Σ_j e^{x_j}`` along ``dim``; with ``dtype`` the input is cast first."""
    x = as_tensor(input)
    return _softmax(x if dtype is None else astype(x, dtype), dim)


def log_softmax(input: Any, dim: int, *, dtype: Any = None) -> Tensor:
    """``x - logsumexp(x)`` along ``dim``; with ``dtype`` the input is cast first."""
    x = as_tensor(input)
    return _log_softmax(x if dtype is None else astype(x, dtype), dim)


def logsumexp(input: Any, dim: Any, keepdim: bool = False) -> Tensor:
    """``log Σ e^x`` over ``dim`` (an int or a tuple), stable."""
    return _logsumexp(input, dim, keepdim)


def _polynomial(family: str, input: Any, n: Any, shifted: bool = False) -> Tensor:
    """The polynomial's values in PyTorch's result dtype: the floating dtype of the tensor
    operands (promoted), else the default dtype. Recorded as a constant (no gradient in
    PyTorch)."""
    floats = [v.dtype for v in (input, n)
              if isinstance(v, (Tensor, np.ndarray)) and v.dtype.kind == "f"]
    dtype = np.result_type(*floats) if floats else get_default_dtype()
    x = input.data if isinstance(input, Tensor) else np.asarray(input)
    degree = n.data if isinstance(n, Tensor) else np.asarray(n)
    return Tensor._wrap(_polynomials.evaluate(family, x, degree, shifted).astype(dtype))


def chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    """Chebyshev polynomial of the first kind ``T_n(x)``: ``T₀ = 1``, ``T₁ = x``,
    ``T_{k+1} = 2x·T_k - T_{k-1}`` (``cos(n·acos x)`` on (-1, 1)); n truncated, 0 for
    n < 0. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_t", input, n)


def chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    """Chebyshev polynomial of the second kind ``U_n(x)``: ``U₁ = 2x``, same recurrence as
    T. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_u", input, n)


def chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    """Chebyshev polynomial of the third kind ``V_n(x)``: ``V₁ = 2x - 1``, same recurrence
    as T. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_v", input, n)


def chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    """Chebyshev polynomial of the fourth kind ``W_n(x)``: ``W₁ = 2x + 1``, same
    recurrence as T. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_w", input, n)


def shifted_chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:
    """``T*_n(x) = T_n(2x - 1)``, T shifted to [0, 1]. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_t", input, n, shifted=True)


def shifted_chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:
    """``U*_n(x) = U_n(2x - 1)``. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_u", input, n, shifted=True)


def shifted_chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:
    """``V*_n(x) = V_n(2x - 1)``. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_v", input, n, shifted=True)


def shifted_chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:
    """``W*_n(x) = W_n(2x - 1)``. No gradient, as in PyTorch."""
    return _polynomial("chebyshev_w", input, n, shifted=True)


def hermite_polynomial_h(input: Any, n: Any) -> Tensor:
    """Physicists' Hermite polynomial ``H_n(x)``: ``H₁ = 2x``, ``H_{k+1} = 2x·H_k -
    2k·H_{k-1}``. No gradient, as in PyTorch."""
    return _polynomial("hermite_h", input, n)


def hermite_polynomial_he(input: Any, n: Any) -> Tensor:
    """Probabilists' Hermite polynomial ``He_n(x)``: ``He₁ = x``, ``He_{k+1} = x·He_k -
    k·He_{k-1}``. No gradient, as in PyTorch."""
    return _polynomial("hermite_he", input, n)


def laguerre_polynomial_l(input: Any, n: Any) -> Tensor:
    """Laguerre polynomial ``L_n(x)``: ``L₁ = 1 - x``, ``(k+1)·L_{k+1} = (2k + 1 - x)·L_k
    - k·L_{k-1}``. No gradient, as in PyTorch."""
    return _polynomial("laguerre_l", input, n)


def legendre_polynomial_p(input: Any, n: Any) -> Tensor:
    """Legendre polynomial ``P_n(x)``: ``P₁ = x``, ``(k+1)·P_{k+1} = (2k+1)·x·P_k -
    k·P_{k-1}``. No gradient, as in PyTorch."""
    return _polynomial("legendre_p", input, n)


__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1",
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v",
    "chebyshev_polynomial_w", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2",
    "expit", "expm1", "gammainc", "gammaincc", "gammaln", "hermite_polynomial_h",
    "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
    "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
    "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
    "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1", "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py",
    "xlogy", "zeta",
]
