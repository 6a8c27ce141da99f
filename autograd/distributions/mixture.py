"""``MixtureSameFamily``: a finite mixture whose components are one batched distribution."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..creation import get_rng
from ..tensor import Tensor
from . import constraints
from .categorical import Categorical
from .distribution import Distribution


class MixtureSameFamily(Distribution):
    """``p(x) = Σₖ πₖ·pₖ(x)`` with mixing weights ``π`` from ``mixture_distribution`` (a
    ``Categorical`` over K) and components the rightmost batch dim (of size K) of
    ``component_distribution``. Batch shape is the components' less that dim; event shape
    theirs. Not reparameterized (the component choice is discrete); ``log_prob``, ``cdf``
    and the moments are differentiable in both distributions' parameters."""

    arg_constraints: dict = {}
    has_rsample = False

    def __init__(self, mixture_distribution: Categorical, component_distribution: Distribution,
                 validate_args: bool | None = None):
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(" The Mixture distribution needs to be an  instance of "
                             "torch.distributions.Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution needs to be an instance of "
                             "torch.distributions.Distribution")
        mdbs = mixture_distribution.batch_shape
        cdbs = component_distribution.batch_shape[:-1]
        for size1, size2 in zip(reversed(mdbs), reversed(cdbs)):
            if size1 != 1 and size2 != 1 and size1 != size2:
                raise ValueError(f"`mixture_distribution.batch_shape` ({mdbs}) is not "
                                 f"compatible with `component_distribution.batch_shape`({cdbs})")
        km = mixture_distribution.logits.shape[-1]
        kc = component_distribution.batch_shape[-1]
        if km != kc:
            raise ValueError(f"`mixture_distribution component` ({km}) does not equal "
                             f"`component_distribution.batch_shape[-1]` ({kc})")
        self._num_component = km
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(cdbs, component_distribution.event_shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> MixtureSameFamily:
        shape = tuple(int(s) for s in batch_shape)
        new = type(self).__new__(type(self))
        new._component_distribution = self._component_distribution.expand(
            shape + (self._num_component,))
        new._mixture_distribution = self._mixture_distribution.expand(shape)
        new._num_component, new._event_ndims = self._num_component, self._event_ndims
        Distribution.__init__(new, shape, new._component_distribution.event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property
    def support(self):
        return constraints.MixtureSameFamilyConstraint(self._component_distribution.support)

    @property
    def mixture_distribution(self) -> Categorical:
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        return self._component_distribution

    @property
    def mean(self):
        """``Σₖ πₖ·E[xₖ]``."""
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        return (probs * self._component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self):
        """``Σₖ πₖ·Var[xₖ] + Σₖ πₖ·(E[xₖ] - E[x])²`` (the law of total variance)."""
        probs = self._pad_mixture_dimensions(self._mixture_distribution.probs)
        axis = -1 - self._event_ndims
        mean_cond_var = (probs * self._component_distribution.variance).sum(axis)
        var_cond_mean = (probs * (self._component_distribution.mean - self._pad(self.mean))
                         ** 2).sum(axis)
        return mean_cond_var + var_cond_mean

    def cdf(self, value):
        """``Σₖ πₖ·Fₖ(x)``."""
        cdf_x = self._component_distribution.cdf(self._pad(value))
        return (cdf_x * self._mixture_distribution.probs).sum(-1)

    def log_prob(self, value):
        """``logsumexp_k(log pₖ(x) + log πₖ)``."""
        if self._validate_args:
            self._validate_sample(value)
        log_prob_x = self._component_distribution.log_prob(self._pad(value))
        log_mix_prob = ops.log_softmax(self._mixture_distribution.logits, -1)
        return ops.logsumexp(log_prob_x + log_mix_prob, -1)

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """A component index from the mixture, then that component's draw (one draw of
        every component is made and the chosen one kept, as PyTorch's)."""
        gather_dim = len(tuple(sample_shape)) + len(self.batch_shape)
        rng = get_rng(generator)  # one stream for both draws
        mix = self._mixture_distribution.sample(sample_shape, generator=rng).data
        comp = self._component_distribution.sample(sample_shape, generator=rng).data
        index = mix.reshape(mix.shape + (1,) * (self._event_ndims + 1))
        index = np.broadcast_to(index, comp.shape[:gather_dim] + (1,) + comp.shape[gather_dim + 1:])
        return Tensor._wrap(np.take_along_axis(comp, index, gather_dim).squeeze(gather_dim))

    def _pad(self, x: Tensor) -> Tensor:
        return x.unsqueeze(-1 - self._event_ndims)

    def _pad_mixture_dimensions(self, x: Tensor) -> Tensor:
        batch_ndims = len(self.batch_shape)
        cat_batch_ndims = len(self._mixture_distribution.batch_shape)
        pad = 0 if cat_batch_ndims == 1 else batch_ndims - cat_batch_ndims
        return x.reshape(x.shape[:-1] + (1,) * pad + x.shape[-1:] + (1,) * self._event_ndims)

    def __repr__(self) -> str:
        return (f"MixtureSameFamily(\n  {self._mixture_distribution},\n  "
                f"{self._component_distribution})")


__all__ = ["MixtureSameFamily"]
