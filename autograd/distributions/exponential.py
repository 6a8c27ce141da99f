"""The exponential distribution with density ``rate·exp(-rate·x)`` on ``x >= 0``."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .utils import broadcast_all, draw


class Exponential(ExponentialFamily):
    """Exponential(rate), batched over ``rate``'s shape. ``rsample`` is ``E/rate`` for a
    standard exponential draw E (differentiable in rate)."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    def __init__(self, rate: Any, validate_args: bool | None = None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Exponential:
        return self._expand_params(batch_shape, ("rate",))

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return self.rate * 0

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate ** -2

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        e = draw("exponential", self._extended_shape(sample_shape), self.rate, generator)
        return e / self.rate

    def log_prob(self, value):
        """``log(rate) - rate·x``."""
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        """``1 - exp(-rate·x)``."""
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        """``-log(1 - p)/rate``."""
        return -(-value).log1p() / self.rate

    def entropy(self):
        """``1 - log(rate)``."""
        return 1.0 - self.rate.log()

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """θ = -rate."""
        return (-self.rate,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """F(θ) = -log(-θ)."""
        return -(-x).log()
