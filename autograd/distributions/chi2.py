"""The chi-squared distribution: Gamma(df/2, ½)."""

from __future__ import annotations

from typing import Any

from . import constraints
from .beta_gamma import Gamma
from .utils import broadcast_all


class Chi2(Gamma):
    """Chi2(df): the sum of the squares of ``df`` standard normals, as Gamma(df/2, ½)
    (``rsample`` differentiable in df)."""

    arg_constraints = {"df": constraints.positive}

    def __init__(self, df: Any, validate_args: bool | None = None):
        (df,) = broadcast_all(df)
        super().__init__(0.5 * df, df * 0 + 0.5, validate_args=validate_args)

    def expand(self, batch_shape: Any, _instance: Any = None) -> Chi2:
        return self._expand_params(batch_shape, ("concentration", "rate"))

    @property
    def df(self):
        return self.concentration * 2


__all__ = ["Chi2"]
