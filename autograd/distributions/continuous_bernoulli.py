"""The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem & Cunningham, 2019)."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .. import ops
from ..tensor import Tensor
from . import constraints
from .bernoulli import BinaryParameterized, one_of
from .exp_family import ExponentialFamily
from .utils import (
    broadcast_all,
    clamp_probs,
    draw,
    lazy_property,
    logits_to_probs,
    softplus,
)


class ContinuousBernoulli(BinaryParameterized, ExponentialFamily):
    """ContinuousBernoulli(probs λ or logits): density ``C(λ)·λˣ·(1 - λ)¹⁻ˣ`` on [0, 1] with
    ``C(λ) = 2·atanh(1 - 2λ)/(1 - 2λ)`` (2 at λ = ½). Within ``lims`` of ½ the normalizer,
    mean, variance and cdf use PyTorch's Taylor expansions (the closed forms divide 0 by 0
    there). ``probs`` are clamped into [eps, 1 - eps]; ``rsample`` is the inverse cdf of a
    uniform draw."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True

    def __init__(self, probs: Any = None, logits: Any = None,
                 lims: tuple[float, float] = (0.499, 0.501),
                 validate_args: bool | None = None):
        one_of(probs, logits)
        given = probs if probs is not None else logits
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            if validate_args is not None and not self.arg_constraints["probs"].check(
                    self.probs).data.all():
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        else:
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        self._lims = lims
        batch = () if isinstance(given, numbers.Number) else self._param.shape
        # not BinaryParameterized.__init__: that neither checks nor clamps probs
        ExponentialFamily.__init__(self, batch, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> ContinuousBernoulli:
        new = super().expand(batch_shape)
        new._lims = self._lims
        return new

    @lazy_property
    def probs(self) -> Tensor:
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    def _outside_unstable_region(self) -> Tensor:
        return (self.probs <= self._lims[0]) | (self.probs > self._lims[1])

    def _cut_probs(self) -> Tensor:
        return ops.where(self._outside_unstable_region(), self.probs, self._lims[0])

    def _cont_bern_log_norm(self) -> Tensor:
        """``log C(λ) = log|log(1 - λ) - log λ| - log|1 - 2λ|``; near ½ its Taylor series
        ``log 2 + (4/3)·x + (104/45)·x²`` in ``x = (λ - ½)²``."""
        cut = self._cut_probs()
        below = ops.where(cut <= 0.5, cut, 0.0)
        above = ops.where(cut >= 0.5, cut, 1.0)
        log_norm = ((-cut).log1p() - cut.log()).abs().log() - ops.where(
            cut <= 0.5, (-2.0 * below).log1p(), (2.0 * above - 1.0).log())
        x = (self.probs - 0.5) ** 2
        taylor = math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x
        return ops.where(self._outside_unstable_region(), log_norm, taylor)

    @property
    def mean(self):
        """``λ/(2λ - 1) + 1/(log(1 - λ) - log λ)``."""
        cut = self._cut_probs()
        mus = cut / (2.0 * cut - 1.0) + 1.0 / ((-cut).log1p() - cut.log())
        x = self.probs - 0.5
        taylor = 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * x ** 2) * x
        return ops.where(self._outside_unstable_region(), mus, taylor)

    @property
    def stddev(self):
        return self.variance.sqrt()

    @property
    def variance(self):
        """``λ(λ - 1)/(1 - 2λ)² + 1/(log(1 - λ) - log λ)²``."""
        cut = self._cut_probs()
        variances = cut * (cut - 1.0) / (1.0 - 2.0 * cut) ** 2 + 1.0 / (
            (-cut).log1p() - cut.log()) ** 2
        x = (self.probs - 0.5) ** 2
        taylor = 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x
        return ops.where(self._outside_unstable_region(), variances, taylor)

    def sample(self, sample_shape: Any = (), *, generator: Any = None):
        """``rsample`` detached."""
        return self.rsample(sample_shape, generator=generator).detach()

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        """``icdf(u)`` for u ~ U(0, 1)."""
        u = draw("uniform", self._extended_shape(sample_shape), self.probs, generator)
        return self.icdf(u)

    def log_prob(self, value):
        """``x·logits - log(1 + e^logits) + log C(λ)``."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return value * logits - softplus(logits) + self._cont_bern_log_norm()

    def cdf(self, value):
        """``(λˣ·(1 - λ)¹⁻ˣ + λ - 1)/(2λ - 1)`` (x itself near λ = ½), 0 below 0, 1 above 1."""
        if self._validate_args:
            self._validate_sample(value)
        cut = self._cut_probs()
        cdfs = (cut ** value * (1.0 - cut) ** (1.0 - value) + cut - 1.0) / (2.0 * cut - 1.0)
        unbounded = ops.where(self._outside_unstable_region(), cdfs, value)
        return ops.where(value <= 0.0, 0.0, ops.where(value >= 1.0, 1.0, unbounded))

    def icdf(self, value):
        """``(log(1 - λ + u·(2λ - 1)) - log(1 - λ))/(log λ - log(1 - λ))`` (u near λ = ½)."""
        cut = self._cut_probs()
        inverse = ((-cut + value * (2.0 * cut - 1.0)).log1p() - (-cut).log1p()) / (
            cut.log() - (-cut).log1p())
        return ops.where(self._outside_unstable_region(), inverse, value)

    def entropy(self):
        """``E[x]·(log(1 - λ) - log λ) - log C(λ) - log(1 - λ)``."""
        log_probs0, log_probs1 = (-self.probs).log1p(), self.probs.log()
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self) -> tuple[Tensor, ...]:
        return (self.logits,)

    def _log_normalizer(self, x: Tensor) -> Tensor:
        """``log|(eˣ - 1)/x|``; near x = 0 ``x/2 + x²/24 - x⁴/2880``."""
        outside = (x <= self._lims[0] - 0.5) | (x > self._lims[1] - 0.5)
        cut = ops.where(outside, x, self._lims[0] - 0.5)
        log_norm = cut.expm1().abs().log() - cut.abs().log()
        taylor = 0.5 * x + x ** 2 / 24.0 - x ** 4 / 2880.0
        return ops.where(outside, log_norm, taylor)


__all__ = ["ContinuousBernoulli"]
