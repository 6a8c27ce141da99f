"""Relaxed (Concrete / Gumbel-softmax) distributions, continuous stand-ins for discrete ones
with reparameterized draws (Maddison et al., 2017; Jang et al., 2017):
``LogitRelaxedBernoulli`` and ``RelaxedBernoulli`` for Bernoulli, ``ExpRelaxedCategorical``
and ``RelaxedOneHotCategorical`` for one-hot categorical. ``temperature`` λ → 0 recovers the
discrete draws."""

from __future__ import annotations

from typing import Any

from ..creation import full_like
from ..tensor import Tensor
from . import constraints
from .bernoulli import BinaryParameterized
from .categorical import Categorical, CategoricalParameterized
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform, SigmoidTransform
from .utils import broadcast_all, clamp_probs, draw


class LogitRelaxedBernoulli(BinaryParameterized):
    """The logit of a RelaxedBernoulli(λ, probs or logits) draw: ``(logit u + logits)/λ``
    for u ~ U(0, 1), with density ``λ·e^(l - λx)/(1 + e^(l - λx))²`` on the reals
    (l the logits). Batched over the parameter's shape; ``temperature`` is kept as given."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    has_rsample = False  # PyTorch's flag, although rsample is reparameterized

    def __init__(self, temperature: Tensor, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        self.temperature = temperature
        super().__init__(probs, logits, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> LogitRelaxedBernoulli:
        new = super().expand(batch_shape)
        new.temperature = self.temperature
        return new

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        """``(log u - log(1 - u) + log p - log(1 - p))/λ``, u and p clamped into (0, 1)."""
        shape = self._extended_shape(sample_shape)
        probs = clamp_probs(self.probs.expand(shape))
        u = clamp_probs(draw("uniform", shape, probs, generator))
        return (u.log() - (-u).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        """``log λ + d - 2·log(1 + eᵈ)`` with ``d = logits - λ·x``."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value * self.temperature
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class _RelaxedTransformed(TransformedDistribution):
    """Base of the relaxed families on their natural support: a transform of their log-space
    family, whose ``temperature``, ``logits`` and ``probs`` they read through."""

    @property
    def temperature(self) -> Tensor:
        return self.base_dist.temperature

    @property
    def logits(self) -> Tensor:
        return self.base_dist.logits

    @property
    def probs(self) -> Tensor:
        return self.base_dist.probs


class RelaxedBernoulli(_RelaxedTransformed):
    """RelaxedBernoulli(temperature λ, probs or logits) on (0, 1): the sigmoid of a
    ``LogitRelaxedBernoulli`` draw (the binary Concrete distribution)."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, temperature: Tensor, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        base = LogitRelaxedBernoulli(temperature, probs, logits)
        super().__init__(base, SigmoidTransform(), validate_args=validate_args)


class ExpRelaxedCategorical(CategoricalParameterized):
    """The log of a RelaxedOneHotCategorical(λ, probs or logits) draw: the log-softmax of
    ``(logits + g)/λ`` for standard Gumbel g, event shape ``(K,)``. Its density over the
    reals is ``Γ(K)·λ^(K-1)·Π softmax(logits - λx)ᵢ`` (Maddison et al., 2017, eq. 11)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, temperature: Tensor, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        self._categorical = Categorical(probs, logits)
        self.temperature = temperature
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> ExpRelaxedCategorical:
        new = super().expand(batch_shape)
        new.temperature = self.temperature
        return new

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        """``s - logsumexp(s)`` with ``s = (logits - log(-log u))/λ``, u clamped into (0, 1)."""
        shape = self._extended_shape(sample_shape)
        u = clamp_probs(draw("uniform", shape, self.logits, generator))
        scores = (self.logits - (-u.log()).log()) / self.temperature
        return scores - scores.logsumexp(-1, keepdim=True)

    def log_prob(self, value):
        """``log Γ(K) + (K - 1)·log λ + Σ log softmax(logits - λx)``."""
        k = self._categorical._num_events
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_scale = full_like(self.temperature, float(k)).lgamma() + (
            self.temperature.log() * (k - 1))
        score = logits - value * self.temperature
        return (score - score.logsumexp(-1, keepdim=True)).sum(-1) + log_scale


class RelaxedOneHotCategorical(_RelaxedTransformed):
    """RelaxedOneHotCategorical(temperature λ, probs or logits) on the simplex: the exp of an
    ``ExpRelaxedCategorical`` draw, i.e. ``softmax((logits + g)/λ)`` for standard Gumbel g
    (the Concrete / Gumbel-softmax distribution)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature: Tensor, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        base = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args=validate_args)


__all__ = ["ExpRelaxedCategorical", "LogitRelaxedBernoulli", "RelaxedBernoulli",
           "RelaxedOneHotCategorical"]
