"""The inverse gamma distribution: the law of ``1/X`` for ``X ~ Gamma``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor
from . import constraints
from .beta_gamma import Gamma
from .transformed_distribution import TransformedDistribution
from .transforms import PowerTransform


class InverseGamma(TransformedDistribution):
    """InverseGamma(concentration α, rate β): density ``βᵅ·x^(-α-1)·e^(-β/x)/Γ(α)`` on x > 0,
    a Gamma(α, β) pushed through ``x ↦ x⁻¹`` (so ``rsample`` is reparameterized)."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, concentration: Any, rate: Any, validate_args: bool | None = None):
        base = Gamma(concentration, rate, validate_args=validate_args)
        neg_one = Tensor._wrap(np.asarray(-1.0, dtype=base.rate.dtype))
        super().__init__(base, PowerTransform(neg_one), validate_args=validate_args)

    @property
    def concentration(self) -> Tensor:
        return self.base_dist.concentration

    @property
    def rate(self) -> Tensor:
        return self.base_dist.rate

    @property
    def mean(self):
        """``β/(α - 1)`` for α > 1, inf otherwise."""
        result = self.rate / (self.concentration - 1)
        return ops.where(self.concentration > 1, result, math.inf)

    @property
    def mode(self):
        """``β/(α + 1)``."""
        return self.rate / (self.concentration + 1)

    @property
    def variance(self):
        """``β²/((α - 1)²·(α - 2))`` for α > 2, inf otherwise."""
        a = self.concentration
        result = self.rate ** 2 / ((a - 1) ** 2 * (a - 2))
        return ops.where(a > 2, result, math.inf)

    def entropy(self):
        """``α + log β + log Γ(α) - (1 + α)·ψ(α)``."""
        a = self.concentration
        return a + self.rate.log() + ops.lgamma(a) - (1 + a) * ops.digamma(a)


__all__ = ["InverseGamma"]
