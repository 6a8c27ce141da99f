"""The generalized Pareto distribution (the tail law of extreme value theory)."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, draw


class GeneralizedPareto(Distribution):
    """GeneralizedPareto(loc μ, scale σ, concentration ξ): survival
    ``(1 + ξz)^(-1/ξ)`` (``e^(-z)`` at ξ = 0) for ``z = (x - μ)/σ``, on
    ``[μ, μ - σ/ξ]`` when ξ < 0 and ``[μ, ∞)`` otherwise. ξ counts as 0 where
    ``|ξ| ≤ 1e-8`` (PyTorch's ``isclose``). ``rsample`` is the inverse cdf of a uniform draw."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive,
                       "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, concentration: Any,
                 validate_args: bool | None = None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        scalar = all(isinstance(v, numbers.Number) for v in (loc, scale, concentration))
        super().__init__(() if scalar else self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> GeneralizedPareto:
        return self._expand_params(batch_shape, ("loc", "scale", "concentration"))

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        upper = ops.where(self.concentration < 0, self.loc - self.scale / self.concentration,
                          math.inf)
        return constraints.interval(self.loc, upper)

    def _zero_and_safe(self) -> tuple[Tensor, Tensor]:
        c = self.concentration
        eq_zero = c.abs() <= 1e-8
        return eq_zero, ops.where(eq_zero, 1.0, c)

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        """``icdf(u)`` for u ~ U(0, 1)."""
        u = draw("uniform", self._extended_shape(sample_shape), self.loc, generator)
        return self.icdf(u)

    def log_prob(self, value):
        """``-log σ - (1/ξ + 1)·log(1 + ξz)`` (``-log σ - z`` at ξ = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, safe = self._zero_and_safe()
        y = 1 / safe + 1
        nonzero = ops.where(y == 0, y, y * (safe * z).log1p())
        return -self.scale.log() - ops.where(eq_zero, z, nonzero)

    def log_survival_function(self, value: Tensor) -> Tensor:
        """``log P(X > x) = -log(1 + ξz)/ξ`` (``-z`` at ξ = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        eq_zero, safe = self._zero_and_safe()
        return ops.where(eq_zero, -z, -(safe * z).log1p() / safe)

    def log_cdf(self, value: Tensor) -> Tensor:
        """``log(1 - P(X > x))``."""
        return (-self.log_survival_function(value).exp()).log1p()

    def cdf(self, value):
        """``1 - P(X > x)``."""
        return self.log_cdf(value).exp()

    def icdf(self, value):
        """``μ + σ·((1 - u)^(-ξ) - 1)/ξ`` (``μ - σ·log(1 - u)`` at ξ = 0)."""
        eq_zero, safe = self._zero_and_safe()
        logu = (-value).log1p()
        nonzero = self.loc + self.scale / safe * (-safe * logu).expm1()
        return ops.where(eq_zero, self.loc - self.scale * logu, nonzero)

    @property
    def mean(self):
        """``μ + σ/(1 - ξ)`` for ξ < 1, nan otherwise."""
        valid = self.concentration < 1
        safe = ops.where(valid, self.concentration, 0.5)
        return ops.where(valid, self.loc + self.scale / (1 - safe), math.nan)

    @property
    def variance(self):
        """``σ²/((1 - ξ)²·(1 - 2ξ))`` for ξ < ½, nan otherwise."""
        valid = self.concentration < 0.5
        safe = ops.where(valid, self.concentration, 0.25)
        return ops.where(valid, self.scale ** 2 / ((1 - safe) ** 2 * (1 - 2 * safe)), math.nan)

    def entropy(self):
        """``log σ + ξ + 1``."""
        return (self.scale.log() + self.concentration + 1).expand(self._batch_shape)

    @property
    def mode(self):
        """``μ`` (the density decreases from the lower end)."""
        return self.loc


__all__ = ["GeneralizedPareto"]
