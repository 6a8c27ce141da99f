"""More transforms of ``torch.distributions.transforms``: ``PowerTransform``,
``SoftplusTransform`` and ``AbsTransform`` (re-exported by ``transforms``)."""

from __future__ import annotations

from typing import Any

from .. import ops
from . import constraints
from .transforms import ParameterFreeTransform, Transform, same_values
from .utils import broadcast_all, softplus

__all__ = ["AbsTransform", "PowerTransform", "SoftplusTransform"]

SOFTPLUS_THRESHOLD = 20.0  # torch.nn.functional.softplus's default: x itself above it


class PowerTransform(Transform):
    """``y = xᵖ`` on x > 0 for a number or tensor ``exponent`` p;
    log|dy/dx| = log|p·y/x|, sign the sign of p."""

    domain = constraints.positive
    codomain = constraints.positive

    def __init__(self, exponent: Any):
        (self.exponent,) = broadcast_all(exponent)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PowerTransform) and same_values(self.exponent, other.exponent)

    __hash__ = Transform.__hash__

    @property
    def sign(self):
        return self.exponent.sign()

    def _call(self, x):
        return x ** self.exponent

    def _inverse(self, y):
        return y ** self.exponent.reciprocal()

    def log_abs_det_jacobian(self, x, y):
        return (self.exponent * y / x).abs().log()

    def forward_shape(self, shape):
        return ops.broadcast_shapes(tuple(shape), self.exponent.shape)

    def inverse_shape(self, shape):
        return ops.broadcast_shapes(tuple(shape), self.exponent.shape)


class SoftplusTransform(ParameterFreeTransform):
    """``y = log(1 + eˣ)`` (x itself above 20, as PyTorch's softplus);
    ``x = y + log(-expm1(-y))``; log|dy/dx| = -softplus(-x)."""

    codomain = constraints.positive

    def _call(self, x):
        return ops.where(x > SOFTPLUS_THRESHOLD, x, softplus(x))

    def _inverse(self, y):
        return (-(-y).expm1()).log() + y

    def log_abs_det_jacobian(self, x, y):
        return -softplus(-x)


class AbsTransform(ParameterFreeTransform):
    """``y = |x|``: not bijective; its ``inv`` returns y (the nonnegative preimage) and it
    has no log|det J|, as PyTorch's."""

    bijective = False
    codomain = constraints.positive

    def _call(self, x):
        return x.abs()

    def _inverse(self, y):
        return y
