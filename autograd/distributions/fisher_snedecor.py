"""The Fisher-Snedecor (F) distribution: a ratio of scaled chi-squared variables."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .. import ops
from ..creation import get_rng
from . import constraints
from .beta_gamma import Gamma
from .distribution import Distribution
from .utils import broadcast_all


class FisherSnedecor(Distribution):
    """FisherSnedecor(df1 d₁, df2 d₂): the law of ``(X₁/d₁)/(X₂/d₂)`` for independent
    ``Xᵢ ~ χ²(dᵢ)``, density ``(d₁x)^(d₁/2)·d₂^(d₂/2)/((d₁x + d₂)^((d₁+d₂)/2)·x·B(d₁/2, d₂/2))``
    on x > 0. ``rsample`` is a ratio of reparameterized gamma draws."""

    arg_constraints = {"df1": constraints.positive, "df2": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, df1: Any, df2: Any, validate_args: bool | None = None):
        self.df1, self.df2 = broadcast_all(df1, df2)
        self._gamma1 = Gamma(self.df1 * 0.5, self.df1)
        self._gamma2 = Gamma(self.df2 * 0.5, self.df2)
        scalar = isinstance(df1, numbers.Number) and isinstance(df2, numbers.Number)
        super().__init__(() if scalar else self.df1.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> FisherSnedecor:
        new = self._expand_params(batch_shape, ("df1", "df2"))
        new._gamma1 = self._gamma1.expand(batch_shape)
        new._gamma2 = self._gamma2.expand(batch_shape)
        return new

    @property
    def mean(self):
        """``d₂/(d₂ - 2)`` for d₂ > 2, nan otherwise."""
        df2 = ops.where(self.df2 <= 2, math.nan, self.df2)
        return df2 / (df2 - 2)

    @property
    def mode(self):
        """``(d₁ - 2)/d₁·d₂/(d₂ + 2)`` for d₁ > 2, nan otherwise."""
        mode = (self.df1 - 2) / self.df1 * self.df2 / (self.df2 + 2)
        return ops.where(self.df1 <= 2, math.nan, mode)

    @property
    def variance(self):
        """``2d₂²(d₁ + d₂ - 2)/(d₁(d₂ - 2)²(d₂ - 4))`` for d₂ > 4, nan otherwise."""
        df2 = ops.where(self.df2 <= 4, math.nan, self.df2)
        return 2 * df2 ** 2 * (self.df1 + df2 - 2) / (self.df1 * (df2 - 2) ** 2 * (df2 - 4))

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        """``X₁/X₂`` for ``Xᵢ ~ Gamma(dᵢ/2, dᵢ)`` (so ``Xᵢ = χ²(dᵢ)/dᵢ``), both kept above the
        smallest normal number."""
        shape, rng = self._extended_shape(sample_shape), get_rng(generator)  # one stream
        x1 = self._gamma1.rsample(sample_shape, generator=rng).reshape(shape)
        x2 = self._gamma2.rsample(sample_shape, generator=rng).reshape(shape)
        tiny = float(np.finfo(x2.dtype).tiny)
        return (x1 / x2.clamp(min=tiny)).clamp(min=tiny)

    def log_prob(self, value):
        """``log Γ(a + b) - log Γ(a) - log Γ(b) + a·log(d₁/d₂) + (a - 1)·log x
        - (a + b)·log(1 + d₁x/d₂)`` with ``a = d₁/2``, ``b = d₂/2``."""
        if self._validate_args:
            self._validate_sample(value)
        ct1, ct2, ct3 = self.df1 * 0.5, self.df2 * 0.5, self.df1 / self.df2
        t1 = ops.lgamma(ct1 + ct2) - ops.lgamma(ct1) - ops.lgamma(ct2)
        t2 = ct1 * ct3.log() + (ct1 - 1) * value.log()
        t3 = (ct1 + ct2) * (ct3 * value).log1p()
        return t1 + t2 - t3


__all__ = ["FisherSnedecor"]
