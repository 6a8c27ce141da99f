"""Bijective transforms for ``TransformedDistribution``, as ``torch.distributions.transforms``.

A transform maps ``x`` to ``y = t(x)``; ``t.inv`` maps back, and
``log_abs_det_jacobian(x, y)`` is ``log|dy/dx|`` (summed over the transform's event dims).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..creation import full_like, zeros_like
from ..tensor import Tensor
from . import constraints
from .utils import clamp_probs, softplus, sum_rightmost

__all__ = ["AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform",
           "CorrCholeskyTransform", "CumulativeDistributionTransform", "ExpTransform",
           "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftmaxTransform",
           "SoftplusTransform", "StackTransform", "StickBreakingTransform", "TanhTransform",
           "Transform", "identity_transform"]


def same_values(a: Any, b: Any) -> bool:
    """Whether two transform parameters (numbers or tensors) are equal everywhere."""
    return bool(np.all(np.asarray(getattr(a, "data", a)) == np.asarray(getattr(b, "data", b))))


class Transform:
    """Base class: subclasses set ``domain``, ``codomain``, ``sign`` and implement
    ``_call``, ``_inverse`` and ``log_abs_det_jacobian``."""

    bijective = True
    domain: constraints.Constraint = constraints.real
    codomain: constraints.Constraint = constraints.real
    sign: Any = 1

    @property
    def event_dim(self) -> int:
        return max(self.domain.event_dim, self.codomain.event_dim)

    @property
    def inv(self) -> Transform:
        """The inverse transform ``y ↦ x``."""
        return _InverseTransform(self)

    def __call__(self, x: Tensor) -> Tensor:
        return self._call(x)

    def _call(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} defines no forward map")

    def _inverse(self, y: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} defines no inverse")

    def log_abs_det_jacobian(self, x: Tensor, y: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} defines no log_abs_det_jacobian")

    def __eq__(self, other: object) -> bool:
        """Identity, as PyTorch's; the parameter-free transforms compare by type and the
        others by their parameters (``TransformedDistribution``'s KL needs equal
        transforms)."""
        return self is other

    __hash__ = object.__hash__

    def forward_shape(self, shape: tuple) -> tuple:
        """The shape of ``t(x)`` for an ``x`` of ``shape``."""
        return tuple(shape)

    def inverse_shape(self, shape: tuple) -> tuple:
        """The shape of ``t.inv(y)`` for a ``y`` of ``shape``."""
        return tuple(shape)

    def __repr__(self) -> str:
        return type(self).__name__ + "()"


class _InverseTransform(Transform):
    """``t.inv``: swaps the maps, the domains and the Jacobian's sign."""

    def __init__(self, transform: Transform):
        self._inv = transform

    @property
    def domain(self):
        return self._inv.codomain

    @property
    def codomain(self):
        return self._inv.domain

    @property
    def sign(self):
        return self._inv.sign

    @property
    def inv(self) -> Transform:
        return self._inv

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _InverseTransform) and self._inv == other._inv

    __hash__ = Transform.__hash__

    def __call__(self, x):
        return self._inv._inverse(x)

    def _inverse(self, y):
        return self._inv(y)

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)

    def forward_shape(self, shape):
        return self._inv.inverse_shape(shape)

    def inverse_shape(self, shape):
        return self._inv.forward_shape(shape)


class ParameterFreeTransform(Transform):
    """Base of the transforms with no parameters: equal to every other instance of their
    class."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self))

    __hash__ = Transform.__hash__


class ExpTransform(ParameterFreeTransform):
    """``y = eˣ``; log|dy/dx| = x."""

    codomain = constraints.positive

    def _call(self, x):
        return x.exp()

    def _inverse(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        return x


class SigmoidTransform(ParameterFreeTransform):
    """``y = 1/(1 + e⁻ˣ)`` (clamped into (0, 1)); log|dy/dx| = -softplus(-x) - softplus(x)."""

    codomain = constraints.unit_interval

    def _call(self, x):
        return clamp_probs(ops.sigmoid(x))

    def _inverse(self, y):
        finfo = np.finfo(y.dtype)
        y = y.clamp(min=float(finfo.tiny), max=1 - float(finfo.eps))
        return y.log() - (-y).log1p()

    def log_abs_det_jacobian(self, x, y):
        return -softplus(-x) - softplus(x)


class TanhTransform(ParameterFreeTransform):
    """``y = tanh x``; log|dy/dx| = 2·(log 2 - x - softplus(-2x))."""

    codomain = constraints.interval(-1.0, 1.0)

    def _call(self, x):
        return x.tanh()

    def _inverse(self, y):
        return ops.atanh(y)

    def log_abs_det_jacobian(self, x, y):
        return 2.0 * (math.log(2.0) - x - softplus(-2.0 * x))


class AffineTransform(Transform):
    """``y = loc + scale·x`` over ``event_dim`` rightmost dims; log|dy/dx| = Σ log|scale|."""

    def __init__(self, loc: Any, scale: Any, event_dim: int = 0):
        self.loc, self.scale, self._event_dim = loc, scale, event_dim

    @property
    def event_dim(self) -> int:
        return self._event_dim

    def __eq__(self, other: object) -> bool:
        """Equal ``loc`` and ``scale`` (numbers or tensors, compared elementwise)."""
        return (isinstance(other, AffineTransform) and same_values(self.loc, other.loc)
                and same_values(self.scale, other.scale))

    __hash__ = Transform.__hash__

    @property
    def domain(self):
        return constraints.independent(constraints.real, self._event_dim) if (
            self._event_dim) else constraints.real

    codomain = domain

    @property
    def sign(self):
        if isinstance(self.scale, Tensor):
            return self.scale.sign()
        return 1 if self.scale > 0 else -1 if self.scale < 0 else 0

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        if isinstance(self.scale, Tensor):
            result = self.scale.abs().log()
        else:
            result = full_like(x, math.log(abs(self.scale)))
        shape = x.shape
        if self._event_dim:
            result = sum_rightmost(result, self._event_dim)
            shape = shape[:len(shape) - self._event_dim]
        return result.expand(shape)

    def forward_shape(self, shape):
        return ops.broadcast_shapes(tuple(shape), tuple(getattr(self.loc, "shape", ())),
                                    tuple(getattr(self.scale, "shape", ())))

    inverse_shape = forward_shape


class ComposeTransform(Transform):
    """``parts`` applied in order; log|dy/dx| is the sum of the parts' (each summed over
    the event dims it adds to)."""

    def __init__(self, parts: list[Transform]):
        self.parts = list(parts)

    @property
    def domain(self):
        if not self.parts:
            return constraints.real
        domain = self.parts[0].domain
        event_dim = self.parts[-1].codomain.event_dim
        for part in reversed(self.parts):
            event_dim += part.domain.event_dim - part.codomain.event_dim
            event_dim = max(event_dim, part.domain.event_dim)
        if event_dim > domain.event_dim:
            domain = constraints.independent(domain, event_dim - domain.event_dim)
        return domain

    @property
    def codomain(self):
        if not self.parts:
            return constraints.real
        codomain = self.parts[-1].codomain
        event_dim = self.parts[0].domain.event_dim
        for part in self.parts:
            event_dim += part.codomain.event_dim - part.domain.event_dim
            event_dim = max(event_dim, part.codomain.event_dim)
        if event_dim > codomain.event_dim:
            codomain = constraints.independent(codomain, event_dim - codomain.event_dim)
        return codomain

    @property
    def sign(self):
        sign = 1
        for part in self.parts:
            sign = sign * part.sign
        return sign

    @property
    def inv(self) -> Transform:
        return ComposeTransform([part.inv for part in reversed(self.parts)])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ComposeTransform) and self.parts == other.parts

    __hash__ = Transform.__hash__

    def __call__(self, x):
        for part in self.parts:
            x = part(x)
        return x

    def log_abs_det_jacobian(self, x, y):
        if not self.parts:
            return zeros_like(x)
        xs = [x]
        for part in self.parts[:-1]:
            xs.append(part(xs[-1]))
        xs.append(y)
        event_dim, total = self.domain.event_dim, None
        for part, a, b in zip(self.parts, xs[:-1], xs[1:]):
            term = sum_rightmost(part.log_abs_det_jacobian(a, b),
                                 event_dim - part.domain.event_dim)
            total = term if total is None else total + term
            event_dim += part.codomain.event_dim - part.domain.event_dim
        return total

    def forward_shape(self, shape):
        for part in self.parts:
            shape = part.forward_shape(shape)
        return shape

    def inverse_shape(self, shape):
        for part in reversed(self.parts):
            shape = part.inverse_shape(shape)
        return shape

    def __repr__(self) -> str:
        return "ComposeTransform(\n    " + ",\n    ".join(map(repr, self.parts)) + "\n)"


# Defined in their own modules, which need ``Transform`` from this one.
from .transforms_matrix import (  # noqa: E402
    CorrCholeskyTransform,
    LowerCholeskyTransform,
    PositiveDefiniteTransform,
    SoftmaxTransform,
    StickBreakingTransform,
)
from .transforms_more import AbsTransform, PowerTransform, SoftplusTransform  # noqa: E402
from .transforms_structure import (  # noqa: E402
    CatTransform,
    CumulativeDistributionTransform,
    IndependentTransform,
    ReshapeTransform,
    StackTransform,
)

identity_transform = ComposeTransform([])
