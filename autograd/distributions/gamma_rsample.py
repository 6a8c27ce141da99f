"""Reparameterized gamma draws by implicit differentiation (Figurnov et al., 2018).

A draw ``z ~ Gamma(α, 1)`` is held fixed through its CDF ``P(α, z) = u``; differentiating
that identity gives ``dz/dα = -(∂P/∂α)(α, z) / p(z; α)`` with the density
``p(z; α) = z^(α-1)·e^(-z)/Γ(α)``. ``∂P/∂α`` is a central difference of the regularized
incomplete gamma function (in the upper tail of its complement ``Q``, which keeps the
digits there), good to about 1e-9 relative: PyTorch uses its own approximation, so the
gradients agree in distribution, not digit for digit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..creation import get_rng
from ..function import Function
from ..ops import _gamma
from ..ops.incomplete_gamma import _regularized
from ..tensor import Tensor


def standard_gamma_grad(alpha: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``dz/dα`` of ``Gamma(α, 1)`` draws ``z`` held at a fixed CDF value (float64)."""
    alpha, z = np.broadcast_arrays(np.asarray(alpha, np.float64), np.asarray(z, np.float64))
    h = 1e-5 * alpha
    upper = z >= alpha + 1.0
    d_lower = (_regularized(alpha + h, z, False) - _regularized(alpha - h, z, False)) / (2 * h)
    d_upper = (_regularized(alpha + h, z, True) - _regularized(alpha - h, z, True)) / (2 * h)
    d_cdf = np.where(upper, -d_upper, d_lower)
    density = np.exp((alpha - 1.0) * np.log(z) - z - _gamma.lgamma(alpha))
    safe = density > 0
    return np.where(safe, -d_cdf / np.where(safe, density, 1.0), 0.0)


class StandardGamma(Function):
    """``Gamma(α, 1)`` draws ``z`` (given) as a function of ``α``; d/dα by implicit
    differentiation (``standard_gamma_grad``). Its backward is not itself differentiable."""

    @staticmethod
    def forward(ctx, alpha, z):
        ctx.alpha, ctx.z = alpha, z
        return z

    @staticmethod
    def backward(ctx, g):
        slope = standard_gamma_grad(ctx.alpha, ctx.z).astype(ctx.z.dtype)
        return Tensor._wrap(g.data * slope), None


def standard_gamma(concentration: Tensor, shape: tuple, generator: Any) -> Tensor:
    """Reparameterized ``Gamma(concentration, 1)`` draws of ``shape``, kept above the
    smallest normal number (as PyTorch's) so their logs are finite."""
    alpha = concentration.expand(shape)
    draws = get_rng(generator).standard_gamma(alpha.detach().data).astype(alpha.dtype)
    draws = np.maximum(draws, np.finfo(alpha.dtype).tiny)
    return StandardGamma.apply(alpha, draws)
