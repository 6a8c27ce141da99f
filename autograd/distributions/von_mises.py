"""The von Mises distribution: the circular analogue of the normal, on angles."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..creation import get_rng
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .location_scale import LocationMoments
from .utils import broadcast_all, lazy_property

# PyTorch's polynomial approximations of I₀ and I₁ (Abramowitz & Stegun 9.8.1-9.8.4),
# below and above x = 3.75; kept so log_prob and variance agree with PyTorch's.
_I0_COEF_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813]
_I0_COEF_LARGE = [0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706,
                  0.02635537, -0.01647633, 0.00392377]
_I1_COEF_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411]
_I1_COEF_LARGE = [0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967,
                  -0.02895312, 0.01787654, -0.00420059]
_COEF_SMALL, _COEF_LARGE = [_I0_COEF_SMALL, _I1_COEF_SMALL], [_I0_COEF_LARGE, _I1_COEF_LARGE]


def _eval_poly(y: Tensor, coef: list[float]) -> Tensor:
    """``Σ cₖ·yᵏ`` by Horner's rule."""
    result = coef[-1]
    for c in reversed(coef[:-1]):
        result = c + y * result
    return result


def log_modified_bessel(x: Tensor, order: int = 0) -> Tensor:
    """``log Iₙ(x)`` for n = 0 or 1 and x > 0, from PyTorch's polynomial approximations:
    ``log(poly((x/3.75)²))`` (times x for I₁) below 3.75, ``x - ½·log x + log poly(3.75/x)``
    above. Differentiable in x."""
    if order not in (0, 1):
        raise ValueError(f"log_modified_bessel: order must be 0 or 1, got {order}")
    y = (x / 3.75) ** 2
    small = _eval_poly(y, _COEF_SMALL[order])
    if order == 1:
        small = x.abs() * small
    large = x - 0.5 * x.log() + _eval_poly(3.75 / x, _COEF_LARGE[order]).log()
    return ops.where(x < 3.75, small.log(), large)


def _rejection_sample(loc: np.ndarray, kappa: np.ndarray, proposal_r: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """Best & Fisher's (1979) wrapped-Cauchy rejection sampler, in float64, wrapped into
    [-π, π)."""
    x = np.zeros(loc.shape)
    done = np.zeros(loc.shape, dtype=bool)
    while not done.all():
        u1, u2, u3 = rng.random((3,) + loc.shape)
        z = np.cos(math.pi * u1)
        f = (1 + proposal_r * z) / (proposal_r + z)
        c = kappa * (proposal_r - f)
        with np.errstate(divide="ignore", invalid="ignore"):
            accept = (c * (2 - c) - u2 > 0) | (np.log(c / u2) + 1 - c >= 0)
        accept &= ~done
        x = np.where(accept, np.sign(u3 - 0.5) * np.arccos(np.clip(f, -1, 1)), x)
        done |= accept
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(LocationMoments, Distribution):
    """VonMises(loc μ, concentration κ): density ``e^(κ·cos(x - μ))/(2π·I₀(κ))`` on angles.
    ``log_prob`` is defined on all reals (as PyTorch's: the support is ``real``); draws lie
    in [-π, π). Not reparameterized (``sample`` only). ``mean`` (the circular mean) and
    ``mode`` are μ."""

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc: Any, concentration: Any, validate_args: bool | None = None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> VonMises:
        return self._expand_params(batch_shape, ("loc", "concentration"))

    def log_prob(self, value):
        """``κ·cos(x - μ) - log 2π - log I₀(κ)``."""
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * (value - self.loc).cos() - math.log(2 * math.pi)
                - log_modified_bessel(self.concentration, 0))

    @lazy_property
    def _proposal_r(self) -> np.ndarray:
        kappa = self.concentration.detach().data.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = 1 + np.sqrt(1 + 4 * kappa ** 2)
            rho = (tau - np.sqrt(2 * tau)) / (2 * kappa)
            return np.where(kappa < 1e-5, 1 / kappa + kappa, (1 + rho ** 2) / (2 * rho))

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """Angles in [-π, π) by rejection, in the parameters' dtype."""
        shape = self._extended_shape(sample_shape)
        loc = np.broadcast_to(self.loc.detach().data.astype(np.float64), shape)
        kappa = np.broadcast_to(self.concentration.detach().data.astype(np.float64), shape)
        r = np.broadcast_to(self._proposal_r, shape)
        x = _rejection_sample(loc, kappa, r, get_rng(generator))
        return Tensor._wrap(x.astype(self.loc.dtype))

    @lazy_property
    def variance(self):
        """The circular variance ``1 - I₁(κ)/I₀(κ)``."""
        return 1 - (log_modified_bessel(self.concentration, 1)
                    - log_modified_bessel(self.concentration, 0)).exp()


__all__ = ["VonMises"]
