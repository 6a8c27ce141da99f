"""The multinomial distribution: counts of ``total_count`` draws from K categories."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..creation import get_rng
from ..tensor import Tensor
from . import constraints
from .binomial import Binomial
from .categorical import Categorical, CategoricalParameterized
from .utils import broadcast_all


class Multinomial(CategoricalParameterized):
    """Multinomial(total_count n, probs or logits over the last dim): event shape ``(K,)``,
    ``P(x) = n!/(x₁!…x_K!)·Π pᵢ^xᵢ``. ``probs`` are normalized to sum to 1 and ``logits``
    to ``logsumexp = 0``, as ``Categorical``'s. ``n`` must be one int (PyTorch's rule);
    ``log_prob`` reads n from each value's sum, so any ``n`` serves it."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}

    def __init__(self, total_count: int = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs, logits)
        self._binomial = Binomial(total_count, self.probs)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Multinomial:
        new = super().expand(batch_shape)
        new.total_count = self.total_count
        new._binomial = Binomial(self.total_count, new._categorical.probs, validate_args=False)
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def mean(self):
        """``n·p``."""
        return self.probs * self.total_count

    @property
    def variance(self):
        """``n·p·(1 - p)`` (the marginal variances)."""
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """Counts of shape ``sample_shape + batch_shape + (K,)`` in the parameters' dtype."""
        shape = self._extended_shape(sample_shape)
        p = self.probs.detach().data.astype(np.float64)
        p = p / p.sum(-1, keepdims=True)
        counts = get_rng(generator).multinomial(self.total_count, p, size=shape[:-1])
        return Tensor._wrap(counts.astype(self._categorical._param.dtype))

    def log_prob(self, value):
        """``log Γ(Σxᵢ + 1) - Σ log Γ(xᵢ + 1) + Σ xᵢ·logitᵢ`` (a 0·(-inf) term counts 0)."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        logits = ops.where((value == 0) & (logits == -math.inf), 0.0, logits)
        return ((value.sum(-1) + 1).lgamma() - (value + 1).lgamma().sum(-1)
                + (logits * value).sum(-1))

    def entropy(self):
        """``n·H(Categorical) - log n! + Σᵢ Σₖ₌₁ⁿ Binomial(n, pᵢ)(k)·log k!``. PyTorch takes
        ``log n!`` in float32 (from an integer tensor); here it is taken in the parameters'
        dtype."""
        dtype = self._categorical._param.dtype
        n = Tensor._wrap(np.asarray(self.total_count, dtype=dtype))
        term1 = n * self._categorical.entropy() - (n + 1).lgamma()
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = self._binomial.log_prob(support).exp()
        return term1 + (binomial_probs * (support + 1).lgamma()).sum((0, -1))


__all__ = ["Multinomial"]
