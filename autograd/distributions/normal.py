"""The normal distribution ``N(loc, scale²)``."""

from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..tensor import Tensor
from . import constraints
from .exp_family import ExponentialFamily
from .location_scale import LocationScale
from .utils import draw


class Normal(LocationScale, ExponentialFamily):
    """``N(loc, scale²)``, batched over the broadcast shape of ``loc`` and ``scale``.
    ``rsample`` is ``loc + scale·ε`` for standard normal ε (differentiable in both)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        eps = draw("normal", self._extended_shape(sample_shape), self.loc, generator)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        """``-(x - μ)²/(2σ²) - log σ - log √(2π)``."""
        if self._validate_args:
            self._validate_sample(value)
        return (-((value - self.loc) ** 2) / (2 * self.scale ** 2) - self.scale.log()
                - math.log(math.sqrt(2 * math.pi)))

    def cdf(self, value):
        """``(1 + erf((x - μ)/(σ√2)))/2``."""
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * (1 + ops.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value):
        """``μ + σ·√2·erfinv(2p - 1)``."""
        return self.loc + self.scale * ops.erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self):
        """``½ + ½·log(2π) + log σ``."""
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """θ = (μ/σ², -1/(2σ²))."""
        return self.loc / self.scale ** 2, -0.5 * (self.scale ** 2).reciprocal()

    def _log_normalizer(self, x: Tensor, y: Tensor) -> Tensor:
        """F(θ) = -θ₁²/(4θ₂) + ½·log(-π/θ₂)."""
        return -0.25 * x ** 2 / y + 0.5 * (-math.pi / y).log()
