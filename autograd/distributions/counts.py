"""The Poisson and Geometric distributions over the nonnegative integers (``sample`` only:
draws are not differentiable)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import grad_mode, ops
from ..creation import get_rng
from ..tensor import Tensor
from . import constraints
from .bernoulli import BinaryParameterized
from .exp_family import ExponentialFamily
from .utils import broadcast_all, draw, softplus


class Poisson(ExponentialFamily):
    """Poisson(rate): ``P(k) = rateᵏ·e^(-rate)/k!``, batched over ``rate``'s shape."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate: Any, validate_args: bool | None = None):
        (self.rate,) = broadcast_all(rate)
        shape = () if isinstance(rate, numbers.Number) else self.rate.shape
        super().__init__(shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Poisson:
        return self._expand_params(batch_shape, ("rate",))

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """Counts in ``rate``'s (floating) dtype, as PyTorch's."""
        shape = self._extended_shape(sample_shape)
        counts = get_rng(generator).poisson(np.broadcast_to(self.rate.data, shape))
        return Tensor._wrap(counts.astype(self.rate.dtype))

    def log_prob(self, value):
        """``k·log rate - rate - log k!`` (``0·log 0 = 0``)."""
        if self._validate_args:
            self._validate_sample(value)
        return ops.xlogy(value, self.rate) - self.rate - ops.lgamma(value + 1)

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """θ = log rate (no mean carrier measure: no entropy, as PyTorch's)."""
        return (self.rate.log(),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """F(θ) = e^θ."""
        return x.exp()


class Geometric(BinaryParameterized):
    """Geometric(probs) or Geometric(logits): the number of failures before the first
    success, ``P(k) = (1 - p)ᵏ·p``; probs must be > 0."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.nonnegative_integer

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        super().__init__(probs, logits, validate_args)
        if self._validate_args and probs is not None and not (self.probs.data > 0).all():
            invalid = self.probs.data[~(self.probs.data > 0)]
            raise ValueError(
                f"Expected parameter probs ({type(self.probs).__name__} of shape "
                f"{tuple(self.probs.shape)}) of distribution {self!r} to be positive but "
                f"found invalid values:\n{invalid}")

    @property
    def mean(self):
        return self.probs.reciprocal() - 1

    @property
    def mode(self):
        return self.probs * 0

    @property
    def variance(self):
        return (self.probs.reciprocal() - 1) / self.probs

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """``floor(log u/log(1 - p))`` for u uniform on [tiny, 1)."""
        tiny = float(np.finfo(self.probs.dtype).tiny)
        with grad_mode.no_grad():
            u = draw("uniform", self._extended_shape(sample_shape), self.probs, generator)
            return (u.clamp(min=tiny).log() / (-self.probs).log1p()).floor().detach()

    def log_prob(self, value):
        """``k·log(1 - p) + log p``, with the k = 0, p = 1 term taken as 0."""
        if self._validate_args:
            self._validate_sample(value)
        value, probs = broadcast_all(value, self.probs)
        probs = ops.where((probs == 1) & (value == 0), 0.0, probs)
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        """``BCE_with_logits(logits, p)/p = (softplus(logits) - p·logits)/p``."""
        return (softplus(self.logits) - self.probs * self.logits) / self.probs


__all__ = ["Geometric", "Poisson"]
