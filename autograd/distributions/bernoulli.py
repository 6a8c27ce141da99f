"""The Bernoulli distribution: 1 with probability ``probs``, else 0."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .utils import broadcast_all, draw, lazy_property, logits_to_probs, probs_to_logits, softplus


def one_of(probs: Any, logits: Any) -> None:
    """Refuse both or neither of ``probs`` and ``logits``, as PyTorch's."""
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class BinaryParameterized(Distribution):
    """A family of one success probability given as ``probs`` or as
    ``logits = log(p/(1 - p))``, batched over the parameter's shape; the other
    parameterization is computed on first use."""

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        one_of(probs, logits)
        is_scalar = isinstance(probs if probs is not None else logits, numbers.Number)
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
        else:
            (self.logits,) = broadcast_all(logits)
        param = self.probs if probs is not None else self.logits
        self._param = param
        super().__init__(() if is_scalar else param.shape, validate_args=validate_args)

    def _init_count_and_param(self, total_count: Any, probs: Any, logits: Any) -> Tensor:
        """For the count families (Binomial, NegativeBinomial): ``total_count`` broadcast with
        whichever of ``probs``/``logits`` is given and cast to its dtype, both stored; the
        parameter is returned."""
        one_of(probs, logits)
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            param = self.probs
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            param = self.logits
        self.total_count = self.total_count.to(param.dtype)
        self._param = param
        return param

    def expand(self, batch_shape: Any, _instance: Any = None) -> BinaryParameterized:
        new = self._expand_params(batch_shape, ("probs", "logits", "total_count"))
        new._param = new.__dict__.get("probs", new.__dict__.get("logits"))
        return new

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self) -> tuple:
        return self._param.shape


class Bernoulli(BinaryParameterized, ExponentialFamily):
    """Bernoulli(probs) or Bernoulli(logits=log(p/(1 - p))), batched over the parameter's
    shape; the other parameterization is computed on first use."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        shape = self._extended_shape(sample_shape)
        u = draw("uniform", shape, self._param, generator)
        return (u < self.probs.detach().expand(shape)).to(self._param.dtype)

    def log_prob(self, value):
        """``x·logits - log(1 + e^logits)`` (minus the binary cross-entropy with logits)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return value * logits - softplus(logits)

    def entropy(self):
        """``log(1 + e^logits) - p·logits``."""
        return softplus(self.logits) - self.probs * self.logits

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        """θ = logit p."""
        return (ops.logit(self.probs),)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """F(θ) = log(1 + e^θ)."""
        return x.exp().log1p()

    def enumerate_support(self, expand: bool = True):
        """``[0, 1]`` shaped ``(2,) + (1,)·len(batch_shape)``, expanded over the batch."""
        values = Tensor._wrap(np.arange(2, dtype=self._param.dtype))
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values
