"""The Laplace distribution with density ``exp(-|x - loc|/scale)/(2·scale)``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import constraints
from .location_scale import LocationScale
from .utils import draw


class Laplace(LocationScale):
    """Laplace(loc, scale), batched over the broadcast shape of the parameters. ``rsample``
    is ``loc - scale·sign(u)·log(1 - |u|)`` for u uniform on (-1, 1)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def variance(self):
        return 2 * self.scale ** 2

    @property
    def stddev(self):
        return math.sqrt(2) * self.scale

    def rsample(self, sample_shape: Any = (), *, generator: Any = None):
        u01 = draw("uniform", self._extended_shape(sample_shape), self.loc, generator)
        # Uniform on [eps - 1, 1): keeps log1p(-|u|) finite, as PyTorch's.
        eps = float(np.finfo(self.loc.dtype).eps)
        u = u01 * (2 - eps) + (eps - 1)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        """``-log(2·scale) - |x - loc|/scale``."""
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        """``½ - ½·sign(x - loc)·expm1(-|x - loc|/scale)``."""
        if self._validate_args:
            self._validate_sample(value)
        d = value - self.loc
        return 0.5 - 0.5 * d.sign() * (-d.abs() / self.scale).expm1()

    def icdf(self, value):
        """``loc - scale·sign(p - ½)·log(1 - 2|p - ½|)``."""
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        """``1 + log(2·scale)``."""
        return 1 + (2 * self.scale).log()
