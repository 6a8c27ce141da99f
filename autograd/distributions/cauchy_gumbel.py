"""The Cauchy, Gumbel, HalfCauchy and HalfNormal distributions (continuous, reparameterized
by their inverse cdf or by |·| of the full family's draw)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .location_scale import LocationScale
from .normal import Normal
from .utils import broadcast_all, draw

EULER_GAMMA = 0.57721566490153286061


def _full(dist: Distribution, like: Tensor, fill: float) -> Tensor:
    """A constant tensor of ``dist``'s batch and event shape in ``like``'s dtype (no
    gradient, as PyTorch's ``torch.full``)."""
    return Tensor._wrap(np.full(dist._extended_shape(), fill, dtype=like.dtype))


class Cauchy(LocationScale):
    """Cauchy(loc, scale) with density ``1/(π·scale·(1 + ((x - loc)/scale)²))``. Its mean is
    nan and its variance inf (constants, as PyTorch's). ``rsample`` is
    ``loc + scale·tan(π(u - ½))``."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        return _full(self, self.loc, math.nan)

    @property
    def variance(self):
        return _full(self, self.loc, math.inf)

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        u = draw("uniform", self._extended_shape(sample_shape), self.loc, generator)
        return self.loc + (math.pi * (u - 0.5)).tan() * self.scale

    def log_prob(self, value):
        """``-log π - log scale - log1p(((x - loc)/scale)²)``."""
        if self._validate_args:
            self._validate_sample(value)
        return (-math.log(math.pi) - self.scale.log()
                - (((value - self.loc) / self.scale) ** 2).log1p())

    def cdf(self, value):
        """``atan((x - loc)/scale)/π + ½``."""
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.loc) / self.scale).atan() / math.pi + 0.5

    def icdf(self, value):
        """``loc + scale·tan(π(p - ½))``."""
        return (math.pi * (value - 0.5)).tan() * self.scale + self.loc

    def entropy(self):
        """``log(4π) + log scale``."""
        return math.log(4 * math.pi) + self.scale.log()


class Gumbel(LocationScale):
    """Gumbel(loc, scale) with cdf ``exp(-exp(-(x - loc)/scale))``. ``rsample`` is
    ``loc - scale·log(-log u)`` for u uniform on [tiny, 1 - eps] (PyTorch's base uniform)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        return self.loc + self.scale * EULER_GAMMA

    @property
    def stddev(self):
        return (math.pi / math.sqrt(6)) * self.scale

    @property
    def variance(self):
        return self.stddev ** 2

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        u = draw("uniform", self._extended_shape(sample_shape), self.loc, generator)
        finfo = np.finfo(self.loc.dtype)
        u = u.clamp(min=float(finfo.tiny), max=1 - float(finfo.eps))
        return self.loc - self.scale * (-u.log()).log()

    def log_prob(self, value):
        """``z - eᶻ - log scale`` with ``z = (loc - x)/scale``."""
        if self._validate_args:
            self._validate_sample(value)
        z = (self.loc - value) / self.scale
        return (z - z.exp()) - self.scale.log()

    def cdf(self, value):
        """``exp(-exp((loc - x)/scale))``."""
        if self._validate_args:
            self._validate_sample(value)
        return (-((self.loc - value) / self.scale).exp()).exp()

    def icdf(self, value):
        """``loc - scale·log(-log p)``."""
        return self.loc - self.scale * (-value.log()).log()

    def entropy(self):
        """``log scale + 1 + γ`` (γ Euler's constant)."""
        return self.scale.log() + (1 + EULER_GAMMA)


class _Folded(Distribution):
    """|X| for X of a family symmetric about 0 with a ``scale`` (``_full_family``): density
    twice X's on x ≥ 0, ``rsample`` the absolute value of X's."""

    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _full_family: type = Normal

    def __init__(self, scale: Any, validate_args: bool | None = None):
        (self.scale,) = broadcast_all(scale)
        super().__init__(self.scale.shape, validate_args=validate_args)

    @property
    def base_dist(self) -> Distribution:
        return self._full_family(self.scale * 0, self.scale, validate_args=False)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        return self._expand_params(batch_shape, ("scale",))

    @property
    def mode(self):
        return self.scale * 0

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        return self.base_dist.rsample(sample_shape, generator=generator).abs()

    def log_prob(self, value):
        """The full family's log density plus log 2 on x ≥ 0, -inf below."""
        if self._validate_args:
            self._validate_sample(value)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return log_prob.where(value >= 0, -math.inf)

    def cdf(self, value):
        """``2·F(x) - 1`` for the full family's cdf F."""
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, value):
        """``F⁻¹((p + 1)/2)``."""
        return self.base_dist.icdf((value + 1) / 2)

    def entropy(self):
        """The full family's entropy less log 2."""
        return self.base_dist.entropy() - math.log(2)


class HalfNormal(_Folded):
    """HalfNormal(scale): |X| for X ~ N(0, scale²)."""

    _full_family = Normal

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale ** 2 * (1 - 2 / math.pi)


class HalfCauchy(_Folded):
    """HalfCauchy(scale): |X| for X ~ Cauchy(0, scale); mean and variance inf."""

    _full_family = Cauchy

    @property
    def mean(self):
        return _full(self, self.scale, math.inf)

    @property
    def variance(self):
        return _full(self, self.scale, math.inf)


__all__ = ["Cauchy", "Gumbel", "HalfCauchy", "HalfNormal"]
