"""The Gamma, Dirichlet and Beta distributions.

Their draws come from NumPy's gamma sampler, reparameterized by implicit differentiation
(``gamma_rsample``): ``rsample`` is differentiable in every parameter. A Dirichlet draw is
normalized gamma draws; a Beta draw the first coordinate of a Dirichlet([α, β]) draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .gamma_rsample import standard_gamma
from .utils import broadcast_all


class Gamma(ExponentialFamily):
    """Gamma(concentration α, rate β) with density ``βᵅ·xᵅ⁻¹·e^(-βx)/Γ(α)`` on x > 0."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.concentration.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Gamma:
        return self._expand_params(batch_shape, ("concentration", "rate"))

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate ** 2

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        shape = self._extended_shape(sample_shape)
        value = standard_gamma(self.concentration, shape, generator) / self.rate.expand(shape)
        return value.clamp(min=float(np.finfo(value.dtype).tiny))

    def log_prob(self, value):
        """``α·log β + (α - 1)·log x - βx - log Γ(α)``."""
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration, self.rate
        return ops.xlogy(a, b) + ops.xlogy(a - 1, value) - b * value - ops.lgamma(a)

    def cdf(self, value):
        """``P(α, βx)``, the regularized lower incomplete gamma function (differentiable in
        β and x; not in α, as PyTorch's)."""
        if self._validate_args:
            self._validate_sample(value)
        return ops.igamma(self.concentration, self.rate * value)

    def entropy(self):
        """``α - log β + log Γ(α) + (1 - α)·ψ(α)``."""
        a = self.concentration
        return a - self.rate.log() + ops.lgamma(a) + (1.0 - a) * ops.digamma(a)

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """θ = (α - 1, -β)."""
        return self.concentration - 1, -self.rate

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        """F(θ) = log Γ(θ₁ + 1) + (θ₁ + 1)·log(-1/θ₂)."""
        return ops.lgamma(x + 1) + (x + 1) * (-y.reciprocal()).log()


class Dirichlet(ExponentialFamily):
    """Dirichlet(concentration) over the simplex of the last dim of ``concentration`` (event
    shape ``(K,)``; batch shape the rest)."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Any, validate_args: bool | None = None):
        if not isinstance(concentration, Tensor) or concentration.ndim < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Dirichlet:
        return self._expand_params(batch_shape, ("concentration",))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        """``(α - 1)₊/Σ(α - 1)₊``; where every α < 1, one-hot at the largest α."""
        a = self.concentration
        shifted = (a - 1).clamp(min=0)
        mode = shifted / shifted.sum(-1, keepdim=True)
        all_small = Tensor._wrap((a.data < 1).all(-1, keepdims=True))
        largest = Tensor._wrap((a.data == a.data.max(-1, keepdims=True)).astype(a.dtype))
        return ops.where(all_small, largest, mode)

    @property
    def variance(self):
        a0 = self.concentration.sum(-1, keepdim=True)
        return self.concentration * (a0 - self.concentration) / (a0 ** 2 * (a0 + 1))

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        draws = standard_gamma(self.concentration, self._extended_shape(sample_shape),
                               generator)
        finfo = np.finfo(draws.dtype)
        return (draws / draws.sum(-1, keepdim=True)).clamp(min=float(finfo.tiny),
                                                           max=1 - float(finfo.eps))

    def log_prob(self, value):
        """``Σ(αᵢ - 1)·log xᵢ + log Γ(Σαᵢ) - Σ log Γ(αᵢ)``."""
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return (ops.xlogy(a - 1.0, value).sum(-1) + ops.lgamma(a.sum(-1))
                - ops.lgamma(a).sum(-1))

    def entropy(self):
        """``Σ log Γ(αᵢ) - log Γ(α₀) - (K - α₀)·ψ(α₀) - Σ(αᵢ - 1)·ψ(αᵢ)``, α₀ = Σαᵢ."""
        a = self.concentration
        k, a0 = a.shape[-1], a.sum(-1)
        return (ops.lgamma(a).sum(-1) - ops.lgamma(a0) - (k - a0) * ops.digamma(a0)
                - ((a - 1.0) * ops.digamma(a)).sum(-1))

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """θ = α."""
        return (self.concentration,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """F(θ) = Σ log Γ(θᵢ) - log Γ(Σθᵢ)."""
        return ops.lgamma(x).sum(-1) - ops.lgamma(x.sum(-1))


class Beta(ExponentialFamily):
    """Beta(concentration1 α, concentration0 β) on [0, 1]: the first coordinate of a
    Dirichlet([α, β])."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any,
                 validate_args: bool | None = None):
        c1, c0 = broadcast_all(concentration1, concentration0)
        self._dirichlet = Dirichlet(ops.stack([c1, c0], -1), validate_args=validate_args)
        super().__init__(self._dirichlet.batch_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Beta:
        new = type(self).__new__(type(self))
        new._dirichlet = self._dirichlet.expand(batch_shape)
        Distribution.__init__(new, new._dirichlet.batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def concentration1(self) -> Tensor:
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self) -> Tensor:
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total ** 2 * (total + 1))

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        return self._dirichlet.rsample(sample_shape, generator=generator)[..., 0]

    def log_prob(self, value):
        """``(α - 1)·log x + (β - 1)·log(1 - x) - log B(α, β)``."""
        if self._validate_args:
            self._validate_sample(value)
        heads_tails = ops.stack([value, 1.0 - value], -1)
        return self._dirichlet.log_prob(heads_tails)

    def entropy(self):
        return self._dirichlet.entropy()

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """θ = (α, β)."""
        return self.concentration1, self.concentration0

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        """F(θ) = log B(α, β)."""
        return ops.lgamma(x) + ops.lgamma(y) - ops.lgamma(x + y)


__all__ = ["Beta", "Dirichlet", "Gamma"]
