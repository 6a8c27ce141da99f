"""The negative binomial distribution: failures before ``total_count`` successes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..creation import get_rng
from ..tensor import Tensor
from . import constraints
from .bernoulli import BinaryParameterized
from .distribution import Distribution
from .utils import softplus


class NegativeBinomial(BinaryParameterized):
    """NegativeBinomial(total_count r, probs p or logits): the number of successes (each of
    probability p) before r failures, ``P(k) = Γ(k + r)/(k!·Γ(r))·pᵏ·(1 - p)ʳ``; r may be
    any real ≥ 0. Batched over the broadcast shape; ``total_count`` takes the parameter's
    dtype, as PyTorch's."""

    arg_constraints = {"total_count": constraints.greater_than_eq(0),
                       "probs": constraints.half_open_interval(0.0, 1.0),
                       "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, total_count: Any, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        param = self._init_count_and_param(total_count, probs, logits)
        Distribution.__init__(self, param.shape, validate_args=validate_args)

    @property
    def mean(self):
        """``r·p/(1 - p) = r·e^logits``."""
        return self.total_count * self.logits.exp()

    @property
    def mode(self):
        """``⌊(r - 1)·p/(1 - p)⌋₊``."""
        return ((self.total_count - 1) * self.logits.exp()).floor().clamp(min=0.0)

    @property
    def variance(self):
        """``r·p/(1 - p)²``."""
        return self.mean / (-self.logits).sigmoid()

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """A Poisson draw whose rate is a Gamma(r, rate e^-logits) draw (the gamma-Poisson
        mixture), in the parameters' dtype."""
        shape = self._extended_shape(sample_shape)
        rng = get_rng(generator)
        r = np.broadcast_to(self.total_count.data.astype(np.float64), shape)
        scale = np.broadcast_to(np.exp(self.logits.detach().data.astype(np.float64)), shape)
        rate = np.where(r > 0, rng.gamma(np.where(r > 0, r, 1.0), scale), 0.0)
        return Tensor._wrap(rng.poisson(rate).astype(self._param.dtype))

    def log_prob(self, value):
        """``r·log σ(-logits) + k·log σ(logits) + log Γ(r + k) - log k! - log Γ(r)``
        (0 at r = k = 0)."""
        if self._validate_args:
            self._validate_sample(value)
        r, logits = self.total_count, self.logits
        log_unnormalized = -r * softplus(logits) - value * softplus(-logits)
        log_normalization = -(r + value).lgamma() + (1.0 + value).lgamma() + r.lgamma()
        log_normalization = log_normalization.masked_fill(r + value == 0.0, 0.0)
        return log_unnormalized - log_normalization


__all__ = ["NegativeBinomial"]
