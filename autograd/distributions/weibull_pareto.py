"""The Weibull and Pareto distributions on the positive reals, reparameterized through a
standard exponential draw E: ``scale·E^(1/k)`` and ``scale·exp(E/α)``."""

from __future__ import annotations

from typing import Any

from .. import ops
from . import constraints
from .cauchy_gumbel import EULER_GAMMA
from .distribution import Distribution
from .utils import broadcast_all, draw


def _moment_of_clamped(alpha, low: float, moment):
    """``moment(alpha.clamp(min=low))`` with PyTorch's gradients where alpha < low: zero in
    alpha even where the moment's own gradient there is nan (inf - inf), which a mask
    multiplied into the gradient would keep; the other parameters' (infinite) gradients
    pass through."""
    below = alpha < low
    at_bound = moment(alpha.detach().clamp(min=low))
    inside = moment(ops.where(below, low + 1.0, alpha))
    return ops.where(below, at_bound, inside)


class _ScaleShape(Distribution):
    """A positive family of ``scale`` and one shape parameter (``_shape_name``), batched over
    their broadcast shape; draws transform a standard exponential draw (``_from_exponential``)."""

    has_rsample = True
    _shape_name = ""

    def __init__(self, scale: Any, shape: Any, validate_args: bool | None = None):
        scale, shape = broadcast_all(scale, shape)
        self.scale = scale
        setattr(self, self._shape_name, shape)
        super().__init__(scale.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        return self._expand_params(batch_shape, ("scale", self._shape_name))

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        e = draw("exponential", self._extended_shape(sample_shape), self.scale, generator)
        return self._from_exponential(e)


class Weibull(_ScaleShape):
    """Weibull(scale λ, concentration k) with cdf ``1 - exp(-(x/λ)ᵏ)`` on x > 0."""

    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive
    _shape_name = "concentration"

    def __init__(self, scale: Any, concentration: Any, validate_args: bool | None = None):
        super().__init__(scale, concentration, validate_args)

    def _from_exponential(self, e):
        return self.scale * e ** self.concentration.reciprocal()

    @property
    def mean(self):
        return self.scale * ops.lgamma(1 + self.concentration.reciprocal()).exp()

    @property
    def mode(self):
        k = self.concentration
        return self.scale * ((k - 1) / k) ** k.reciprocal()

    @property
    def variance(self):
        r = self.concentration.reciprocal()
        return self.scale ** 2 * (ops.lgamma(1 + 2 * r).exp() - (2 * ops.lgamma(1 + r)).exp())

    def log_prob(self, value):
        """``log k - log λ + (k - 1)·log(x/λ) - (x/λ)ᵏ``."""
        if self._validate_args:
            self._validate_sample(value)
        k, z = self.concentration, value / self.scale
        return k.log() - self.scale.log() + (k - 1) * z.log() - z ** k

    def cdf(self, value):
        """``1 - exp(-(x/λ)ᵏ)``."""
        if self._validate_args:
            self._validate_sample(value)
        return -(-((value / self.scale) ** self.concentration)).expm1()

    def icdf(self, value):
        """``λ·(-log(1 - p))^(1/k)``."""
        return self.scale * (-(-value).log1p()) ** self.concentration.reciprocal()

    def entropy(self):
        """``γ·(1 - 1/k) + log(λ/k) + 1``."""
        r = self.concentration.reciprocal()
        return EULER_GAMMA * (1 - r) + (self.scale * r).log() + 1


class Pareto(_ScaleShape):
    """Pareto(scale xₘ, alpha α) with density ``α·xₘᵅ/xᵅ⁺¹`` on x ≥ xₘ; mean inf for α ≤ 1
    and variance inf for α ≤ 2 (by clamping α, as PyTorch's)."""

    arg_constraints = {"scale": constraints.positive, "alpha": constraints.positive}
    _shape_name = "alpha"

    def __init__(self, scale: Any, alpha: Any, validate_args: bool | None = None):
        super().__init__(scale, alpha, validate_args)

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        return constraints.greater_than_eq(self.scale)

    def _from_exponential(self, e):
        return self.scale * (e / self.alpha).exp()

    @property
    def mean(self):
        return _moment_of_clamped(self.alpha, 1, lambda a: a * self.scale / (a - 1))

    @property
    def mode(self):
        return self.scale

    @property
    def variance(self):
        return _moment_of_clamped(self.alpha, 2,
                                  lambda a: self.scale ** 2 * a / ((a - 1) ** 2 * (a - 2)))

    def log_prob(self, value):
        """``log α - (α + 1)·log(x/xₘ) - log xₘ``."""
        if self._validate_args:
            self._validate_sample(value)
        log_ratio = (value / self.scale).log()
        return self.alpha.log() - self.alpha * log_ratio - log_ratio - self.scale.log()

    def cdf(self, value):
        """``1 - (xₘ/x)ᵅ``."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.alpha * (value / self.scale).log()).exp()

    def icdf(self, value):
        """``xₘ·(1 - p)^(-1/α)``."""
        return self.scale * (-(-value).log1p() / self.alpha).exp()

    def entropy(self):
        """``log(xₘ/α) + 1 + 1/α``."""
        return (self.scale / self.alpha).log() + (1 + self.alpha.reciprocal())


__all__ = ["Pareto", "Weibull"]
