"""Transforms that reshape or combine others, as ``torch.distributions.transforms``'s:
``IndependentTransform``, ``ReshapeTransform``, ``CatTransform``, ``StackTransform`` and
``CumulativeDistributionTransform`` (re-exported by ``transforms``)."""

from __future__ import annotations

import math
from typing import Any

from .. import ops
from ..tensor import Tensor
from . import constraints
from .transforms import Transform
from .utils import sum_rightmost

__all__ = ["CatTransform", "CumulativeDistributionTransform", "IndependentTransform",
           "ReshapeTransform", "StackTransform"]


class IndependentTransform(Transform):
    """``base_transform`` with ``reinterpreted_batch_ndims`` more rightmost dims read as event
    dims: the maps are the base's, its log|det J| is summed over those dims."""

    def __init__(self, base_transform: Transform, reinterpreted_batch_ndims: int):
        self.base_transform = base_transform
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    @property
    def domain(self):
        return constraints.independent(self.base_transform.domain,
                                       self.reinterpreted_batch_ndims)

    @property
    def codomain(self):
        return constraints.independent(self.base_transform.codomain,
                                       self.reinterpreted_batch_ndims)

    @property
    def bijective(self) -> bool:
        return self.base_transform.bijective

    @property
    def sign(self):
        return self.base_transform.sign

    def _call(self, x):
        if x.ndim < self.domain.event_dim:
            raise ValueError("Too few dimensions on input")
        return self.base_transform(x)

    def _inverse(self, y):
        if y.ndim < self.codomain.event_dim:
            raise ValueError("Too few dimensions on input")
        return self.base_transform.inv(y)

    def log_abs_det_jacobian(self, x, y):
        return sum_rightmost(self.base_transform.log_abs_det_jacobian(x, y),
                             self.reinterpreted_batch_ndims)

    def forward_shape(self, shape):
        return self.base_transform.forward_shape(shape)

    def inverse_shape(self, shape):
        return self.base_transform.inverse_shape(shape)

    def __repr__(self) -> str:
        return f"IndependentTransform({self.base_transform!r}, {self.reinterpreted_batch_ndims})"


class ReshapeTransform(Transform):
    """The rightmost ``in_shape`` dims reshaped to ``out_shape`` (same element count);
    log|det J| = 0."""

    def __init__(self, in_shape: Any, out_shape: Any):
        self.in_shape = tuple(int(s) for s in in_shape)
        self.out_shape = tuple(int(s) for s in out_shape)
        if math.prod(self.in_shape) != math.prod(self.out_shape):
            raise ValueError("in_shape, out_shape have different numbers of elements")

    @property
    def domain(self):
        return constraints.independent(constraints.real, len(self.in_shape))

    @property
    def codomain(self):
        return constraints.independent(constraints.real, len(self.out_shape))

    def _call(self, x):
        return x.reshape(x.shape[:x.ndim - len(self.in_shape)] + self.out_shape)

    def _inverse(self, y):
        return y.reshape(y.shape[:y.ndim - len(self.out_shape)] + self.in_shape)

    def log_abs_det_jacobian(self, x, y):
        return x.new_zeros(x.shape[:x.ndim - len(self.in_shape)])

    def _reshape(self, shape: tuple, source: tuple, target: tuple) -> tuple:
        shape = tuple(shape)
        if len(shape) < len(source):
            raise ValueError("Too few dimensions on input")
        cut = len(shape) - len(source)
        if shape[cut:] != source:
            raise ValueError(f"Shape mismatch: expected {shape[cut:]} but got {source}")
        return shape[:cut] + target

    def forward_shape(self, shape):
        return self._reshape(shape, self.in_shape, self.out_shape)

    def inverse_shape(self, shape):
        return self._reshape(shape, self.out_shape, self.in_shape)


def _check_dim(name: str, t: Tensor, dim: int, size: int, what: str) -> None:
    if not -t.ndim <= dim < t.ndim:
        raise ValueError(f"{name}: dim {dim} out of range for a tensor of {t.ndim} dims")
    if t.shape[dim] != size:
        raise ValueError(f"{name}: size {t.shape[dim]} along dim {dim} must equal {what} "
                         f"{size}")


class CatTransform(Transform):
    """``tseq[i]`` applied to the i-th slice (``lengths[i]`` long, default 1) along ``dim``,
    the results concatenated (as ``torch.cat``)."""

    def __init__(self, tseq: Any, dim: int = 0, lengths: Any = None):
        if not all(isinstance(t, Transform) for t in tseq):
            raise TypeError("CatTransform: all elements of tseq must be Transform instances")
        self.transforms = list(tseq)
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.transforms)
        if len(self.lengths) != len(self.transforms):
            raise ValueError(f"CatTransform: lengths ({len(self.lengths)}) must match "
                             f"transforms ({len(self.transforms)})")
        self.dim = dim

    @property
    def event_dim(self) -> int:
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self) -> int:
        return sum(self.lengths)

    @property
    def bijective(self) -> bool:
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self):
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @property
    def codomain(self):
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)

    def _slices(self, z: Tensor) -> list[Tensor]:
        out, start = [], 0
        for length in self.lengths:
            out.append(z.narrow(self.dim, start, length))
            start += length
        return out

    def _call(self, x):
        _check_dim("CatTransform", x, self.dim, self.length, "length")
        return ops.cat([t(s) for t, s in zip(self.transforms, self._slices(x))], self.dim)

    def _inverse(self, y):
        _check_dim("CatTransform", y, self.dim, self.length, "length")
        return ops.cat([t.inv(s) for t, s in zip(self.transforms, self._slices(y))], self.dim)

    def log_abs_det_jacobian(self, x, y):
        """The parts' log|det J| (summed up to this transform's event dims), concatenated
        along ``dim`` when it is a batch dim and added when it is an event dim."""
        _check_dim("CatTransform", x, self.dim, self.length, "length")
        _check_dim("CatTransform", y, self.dim, self.length, "length")
        parts = []
        for t, xs, ys in zip(self.transforms, self._slices(x), self._slices(y)):
            part = t.log_abs_det_jacobian(xs, ys)
            if t.event_dim < self.event_dim:
                part = sum_rightmost(part, self.event_dim - t.event_dim)
            parts.append(part)
        dim = (self.dim - x.ndim if self.dim >= 0 else self.dim) + self.event_dim
        return ops.cat(parts, dim) if dim < 0 else sum(parts[1:], parts[0])


class StackTransform(Transform):
    """``tseq[i]`` applied to the i-th index along ``dim``, the results stacked (as
    ``torch.stack``)."""

    def __init__(self, tseq: Any, dim: int = 0):
        if not all(isinstance(t, Transform) for t in tseq):
            raise TypeError("StackTransform: all elements of tseq must be Transform instances")
        self.transforms, self.dim = list(tseq), dim

    @property
    def bijective(self) -> bool:
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self):
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @property
    def codomain(self):
        return constraints.stack([t.codomain for t in self.transforms], self.dim)

    def _slices(self, z: Tensor) -> list[Tensor]:
        return [z.select(self.dim, i) for i in range(z.shape[self.dim])]

    def _call(self, x):
        _check_dim("StackTransform", x, self.dim, len(self.transforms), "len(transforms)")
        return ops.stack([t(s) for t, s in zip(self.transforms, self._slices(x))], self.dim)

    def _inverse(self, y):
        _check_dim("StackTransform", y, self.dim, len(self.transforms), "len(transforms)")
        return ops.stack([t.inv(s) for t, s in zip(self.transforms, self._slices(y))],
                         self.dim)

    def log_abs_det_jacobian(self, x, y):
        _check_dim("StackTransform", x, self.dim, len(self.transforms), "len(transforms)")
        _check_dim("StackTransform", y, self.dim, len(self.transforms), "len(transforms)")
        return ops.stack([t.log_abs_det_jacobian(a, b) for t, a, b in zip(
            self.transforms, self._slices(x), self._slices(y))], self.dim)


class CumulativeDistributionTransform(Transform):
    """``y = F(x)``, the cdf of ``distribution`` (onto the unit interval); ``x = F⁻¹(y)``;
    ``log|dy/dx| = log p(x)``. The domain is the distribution's support."""

    codomain = constraints.unit_interval
    sign = +1

    def __init__(self, distribution: Any):
        self.distribution = distribution

    @property
    def domain(self):
        return self.distribution.support

    def _call(self, x):
        return self.distribution.cdf(x)

    def _inverse(self, y):
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x, y):
        return self.distribution.log_prob(x)
