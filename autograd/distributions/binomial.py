"""The binomial distribution: successes in ``total_count`` Bernoulli(probs) trials."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..creation import get_rng
from ..tensor import Tensor
from . import constraints
from .bernoulli import BinaryParameterized
from .distribution import Distribution


def _clamp_by_zero(x: Tensor) -> Tensor:
    """``max(x, 0)`` with gradient ½ at 0, as PyTorch's Binomial computes it."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(BinaryParameterized):
    """Binomial(total_count, probs) or Binomial(total_count, logits=log(p/(1 - p))):
    ``P(k) = C(n, k)·pᵏ·(1 - p)ⁿ⁻ᵏ``, batched over the broadcast shape; ``total_count``
    takes the parameter's floating dtype, as PyTorch's."""

    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count: Any = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        given = probs if probs is not None else logits
        param = self._init_count_and_param(total_count, probs, logits)
        shape = () if isinstance(given, numbers.Number) else param.shape
        Distribution.__init__(self, shape, validate_args=validate_args)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """Counts in the parameters' floating dtype, as PyTorch's."""
        shape = self._extended_shape(sample_shape)
        n = np.broadcast_to(self.total_count.data, shape).astype(np.int64)
        p = np.broadcast_to(self.probs.data, shape)
        return Tensor._wrap(get_rng(generator).binomial(n, p).astype(self._param.dtype))

    def log_prob(self, value):
        """``k·logit - log k! - log (n - k)! + log n! - n·log(1 + e^logit)``, computed
        without overflow for any logit."""
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        normalize = (n * _clamp_by_zero(logits) + n * (-logits.abs()).exp().log1p()
                     - (n + 1).lgamma())
        return value * logits - (value + 1).lgamma() - (n - value + 1).lgamma() - normalize

    def enumerate_support(self, expand: bool = True):
        """``0..n`` shaped ``(n + 1,) + (1,)·len(batch_shape)``; needs one total_count."""
        n = self.total_count.data
        if n.size and n.min() != n.max():
            raise NotImplementedError("Inhomogeneous total count not supported by "
                                      "`enumerate_support`.")
        count = int(n.max()) if n.size else 0
        values = Tensor._wrap(np.arange(count + 1, dtype=self._param.dtype))
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values

    def entropy(self):
        """``-Σₖ P(k)·log P(k)`` over the support; needs one total_count."""
        n = self.total_count.data
        if n.size and n.min() != n.max():
            raise NotImplementedError("Inhomogeneous total count not supported by `entropy`.")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)


__all__ = ["Binomial"]
