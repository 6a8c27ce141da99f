"""Categorical distributions over ``{0, ..., K-1}``: ``Categorical`` (index draws) and
``OneHotCategorical`` (one-hot draws)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..creation import get_rng
from ..errors import ShapeError
from ..tensor import Tensor
from . import constraints
from .bernoulli import one_of
from .distribution import Distribution
from .utils import lazy_property, logits_to_probs, probs_to_logits


class Categorical(Distribution):
    """K categories by the last dim of ``probs`` (normalized to sum to 1) or of ``logits``
    (normalized to ``logsumexp = 0``); batch shape is the rest."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(
        constraints.real, 1)}
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        one_of(probs, logits)
        param = probs if probs is not None else logits
        if not isinstance(param, Tensor) or param.ndim < 1:
            raise ValueError(f"`{'probs' if probs is not None else 'logits'}` parameter must "
                             "be at least one-dimensional.")
        if probs is not None:
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            self.logits = logits - ops.logsumexp(logits, -1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.shape[-1]
        super().__init__(self._param.shape[:-1], validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Categorical:
        new = self._expand_params(batch_shape, ("probs", "logits"))
        new._param = new.__dict__.get("probs", new.__dict__.get("logits"))
        new._num_events = self._num_events
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @lazy_property
    def logits(self) -> Tensor:
        return probs_to_logits(self.probs)

    @lazy_property
    def probs(self) -> Tensor:
        return logits_to_probs(self.logits)

    @property
    def param_shape(self) -> tuple:
        return self._param.shape

    @property
    def mean(self):
        return Tensor._wrap(np.full(self._extended_shape(), np.nan, dtype=self._param.dtype))

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return Tensor._wrap(np.full(self._extended_shape(), np.nan, dtype=self._param.dtype))

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """int64 indices of shape ``sample_shape + batch_shape``, drawn by inverse CDF."""
        shape = self._extended_shape(sample_shape)
        n = math.prod(shape[:len(shape) - len(self._batch_shape)])
        p = self.probs.detach().data.reshape(-1, self._num_events)
        cdf = np.cumsum(p, axis=-1)
        u = get_rng(generator).random((n, p.shape[0])) * cdf[:, -1]
        idx = (u[..., None] >= cdf).sum(-1)
        idx = np.minimum(idx, self._num_events - 1).astype(np.int64)
        return Tensor._wrap(idx.reshape(shape))

    def log_prob(self, value):
        """``logits[value]`` along the last dim, ``value`` broadcast with the batch."""
        if self._validate_args:
            self._validate_sample(value)
        index = value.to(np.int64).unsqueeze(-1)
        index, log_pmf = ops.broadcast_tensors(index, self.logits)
        return ops.gather(log_pmf, -1, index[..., :1]).squeeze(-1)

    def entropy(self):
        """``-Σ p·log p`` over the categories (logits of -inf counted as 0)."""
        min_real = float(np.finfo(self.logits.dtype).min)
        return -(self.logits.clamp(min=min_real) * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True):
        """``0..K-1`` shaped ``(K,) + (1,)·len(batch_shape)``, expanded over the batch."""
        values = Tensor._wrap(np.arange(self._num_events, dtype=np.int64))
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + self._batch_shape) if expand else values


class CategoricalParameterized(Distribution):
    """Base of the distributions over vectors of K categories (event shape ``(K,)``) that keep
    their parameters in a wrapped ``Categorical``, ``self._categorical``: ``probs``,
    ``logits`` and ``param_shape`` read through it and ``expand`` expands it. A subclass
    holding more state extends ``expand`` to carry that over."""

    _categorical: Categorical

    def expand(self, batch_shape: Any, _instance: Any = None) -> CategoricalParameterized:
        new = type(self).__new__(type(self))
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, new._categorical.batch_shape, self.event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> tuple:
        return self._categorical.param_shape


class OneHotCategorical(CategoricalParameterized):
    """A ``Categorical`` whose draws are one-hot vectors of the K categories (event shape
    ``(K,)``)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.independent(
        constraints.real, 1)}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        self._categorical = Categorical(probs, logits)
        param = self._categorical._param
        super().__init__(param.shape[:-1], param.shape[-1:], validate_args=validate_args)

    @property
    def mean(self):
        return self._categorical.probs

    @property
    def mode(self):
        probs = self._categorical.probs
        return _one_hot(probs.argmax(-1).data, probs.shape[-1], probs.dtype)

    @property
    def variance(self):
        return self._categorical.probs * (1 - self._categorical.probs)

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """One-hot draws of shape ``sample_shape + batch_shape + (K,)``."""
        indices = self._categorical.sample(sample_shape, generator=generator).data
        return _one_hot(indices, self.event_shape[0], self._categorical._param.dtype)

    def log_prob(self, value):
        """``log p`` of the category where ``value`` is 1."""
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True):
        """The K one-hot vectors, shaped ``(K,) + (1,)·len(batch_shape) + (K,)``."""
        n = self.event_shape[0]
        values = Tensor._wrap(np.eye(n, dtype=self._categorical._param.dtype))
        values = values.reshape((n,) + (1,) * len(self.batch_shape) + (n,))
        return values.expand((n,) + self.batch_shape + (n,)) if expand else values


def _one_hot(indices: np.ndarray, n: int, dtype: Any) -> Tensor:
    if n == 0:
        raise ShapeError("OneHotCategorical: needs at least one category")
    return Tensor._wrap((np.asarray(indices)[..., None] == np.arange(n)).astype(dtype))
