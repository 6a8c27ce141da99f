"""Student's t distribution: ``loc + scale·X/√(V/df)`` for X standard normal and V ~ χ²(df)."""

from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..creation import get_rng
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import broadcast_all, draw


class StudentT(Distribution):
    """StudentT(df, loc=0, scale=1), batched over the broadcast shape of the parameters.
    The mean is nan where df ≤ 1; the variance inf where 1 < df ≤ 2 and nan where df ≤ 1
    (constants there, without gradient, as PyTorch's). ``rsample`` is differentiable in all
    three parameters (df through the implicit gamma gradient)."""

    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, df: Any, loc: Any = 0.0, scale: Any = 1.0,
                 validate_args: bool | None = None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        super().__init__(self.df.shape, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> StudentT:
        return self._expand_params(batch_shape, ("df", "loc", "scale"))

    @property
    def mean(self):
        return ops.where(self.df <= 1, math.nan, self.loc)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df = self.df
        finite = self.scale ** 2 * df / (df - 2)
        undefined = ops.where(df <= 1, math.nan, math.inf)
        return ops.where(df > 2, finite, undefined.to(df.dtype))

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        # One stream for both draws: an int seed would otherwise start both at the same state.
        shape, rng = self._extended_shape(sample_shape), get_rng(generator)
        x = draw("normal", shape, self.df, rng)
        z = Chi2(self.df, validate_args=False).rsample(sample_shape, generator=rng)
        return self.loc + self.scale * x * (z / self.df).rsqrt()

    def log_prob(self, value):
        """``-(df + 1)/2·log1p(y²/df) - log scale - ½·log(df·π) - log Γ(df/2)
        + log Γ((df + 1)/2)`` with ``y = (x - loc)/scale``."""
        if self._validate_args:
            self._validate_sample(value)
        df = self.df
        y = (value - self.loc) / self.scale
        log_z = (self.scale.log() + 0.5 * df.log() + 0.5 * math.log(math.pi)
                 + ops.lgamma(0.5 * df) - ops.lgamma(0.5 * (df + 1.0)))
        return -0.5 * (df + 1.0) * (y ** 2 / df).log1p() - log_z

    def entropy(self):
        """``log scale + (df + 1)/2·(ψ((df + 1)/2) - ψ(df/2)) + ½·log df + log B(df/2, ½)``."""
        df = self.df
        lbeta = ops.lgamma(0.5 * df) + math.lgamma(0.5) - ops.lgamma(0.5 * (df + 1))
        return (self.scale.log()
                + 0.5 * (df + 1) * (ops.digamma(0.5 * (df + 1)) - ops.digamma(0.5 * df))
                + 0.5 * df.log() + lbeta)


__all__ = ["StudentT"]
