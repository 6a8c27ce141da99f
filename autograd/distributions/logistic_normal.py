"""The logistic-normal distribution on the simplex."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import constraints
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms_matrix import StickBreakingTransform


class LogisticNormal(TransformedDistribution):
    """LogisticNormal(loc, scale): a draw of ``Normal(loc, scale)`` over K - 1 coordinates
    pushed through the ``StickBreakingTransform`` onto the K-simplex (event shape ``(K,)``;
    a 0-dim normal is read as one coordinate). ``rsample`` is differentiable in both."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None):
        base = Normal(loc, scale, validate_args=validate_args)
        if not base.batch_shape:
            base = base.expand((1,))
        super().__init__(base, StickBreakingTransform(), validate_args=validate_args)

    @property
    def loc(self) -> Tensor:
        return self.base_dist.base_dist.loc

    @property
    def scale(self) -> Tensor:
        return self.base_dist.base_dist.scale


__all__ = ["LogisticNormal"]
