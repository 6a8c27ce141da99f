"""The Kumaraswamy distribution on (0, 1): a Beta look-alike with a closed-form cdf."""

from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..creation import full_like
from . import constraints
from .cauchy_gumbel import EULER_GAMMA
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform
from .uniform import Uniform
from .utils import broadcast_all


def _moments(a, b, n: int):
    """``E[xⁿ] = b·B(1 + n/a, b)`` of Kumaraswamy(a, b)."""
    arg1 = 1 + n / a
    return b * (ops.lgamma(arg1) + ops.lgamma(b) - ops.lgamma(arg1 + b)).exp()


class Kumaraswamy(TransformedDistribution):
    """Kumaraswamy(concentration1 a, concentration0 b): density ``a·b·xᵃ⁻¹·(1 - xᵃ)ᵇ⁻¹`` on
    (0, 1), the law of ``(1 - u^(1/b))^(1/a)`` for u ~ U(0, 1) (so ``rsample`` is
    differentiable in both), built as PyTorch's from a uniform and three transforms."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1: Any, concentration0: Any,
                 validate_args: bool | None = None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        base = Uniform(full_like(self.concentration0, 0), full_like(self.concentration0, 1),
                       validate_args=validate_args)
        transforms = [PowerTransform(self.concentration0.reciprocal()),
                      AffineTransform(1.0, -1.0),
                      PowerTransform(self.concentration1.reciprocal())]
        super().__init__(base, transforms, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Kumaraswamy:
        new = type(self).__new__(type(self))
        new.concentration1 = self.concentration1.expand(tuple(batch_shape))
        new.concentration0 = self.concentration0.expand(tuple(batch_shape))
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        """``b·B(1 + 1/a, b)``."""
        return _moments(self.concentration1, self.concentration0, 1)

    @property
    def mode(self):
        """``((a - 1)/(ab - 1))^(1/a)`` for a, b ≥ 1; nan otherwise."""
        a, b = self.concentration1, self.concentration0
        log_mode = b.reciprocal() * (-b).log1p() - (-b * a).log1p()
        return ops.where((b < 1) | (a < 1), math.nan, log_mode).exp()

    @property
    def variance(self):
        """``b·B(1 + 2/a, b) - E[x]²``."""
        return _moments(self.concentration1, self.concentration0, 2) - self.mean ** 2

    def entropy(self):
        """``(1 - 1/b) + (1 - 1/a)·(ψ(b + 1) + γ) - log a - log b``."""
        t1 = 1 - self.concentration1.reciprocal()
        t0 = 1 - self.concentration0.reciprocal()
        h0 = ops.digamma(self.concentration0 + 1) + EULER_GAMMA
        return t0 + t1 * h0 - self.concentration1.log() - self.concentration0.log()


__all__ = ["Kumaraswamy"]
