"""Running and whole products and sums along a dim: ``cumsum``, ``cumprod`` and ``prod``.

Backwards are Tensor ops (``cumsum``/``cumprod`` themselves, ``flip``, ``where``), so each
can be differentiated again. The product gradients stay correct with zeros in the
input (as PyTorch's), instead of dividing the output by the input.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis, reduction_axes, resolve_axis
from .elementwise import astype, where
from .rearrange import flip
from .reduce import _expand_back, sum
from .shape import concatenate, reshape


def _reverse_cumsum(g: Tensor, axis: int) -> Tensor:
    """``out_i = Σ_{j >= i} g_j`` along ``axis``."""
    return flip(cumsum(flip(g, axis), axis), axis)


class CumSum(Function):
    """``out_i = Σ_{j <= i} a_j`` along ``axis``; d/da_i of Σ g·out is ``Σ_{j >= i} g_j``."""

    @staticmethod
    def forward(ctx, a, axis):
        ctx.axis = axis
        return np.cumsum(a, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return _reverse_cumsum(g, ctx.axis), None


class CumProd(Function):
    """``out_i = Π_{j <= i} a_j`` along ``axis``. Without zeros d/da_i of Σ g·out is
    ``Σ_{j >= i} g_j·out_j / a_i``; with a first zero at z along the row, the entries
    before z keep that formula, the one at z gets ``Σ_{j >= z} g_j·Π_{k <= j, k != z} a_k``
    and the ones after z get 0 (PyTorch's rule)."""

    @staticmethod
    def forward(ctx, a, axis):
        out = np.cumprod(a, axis=axis)
        ctx.save_for_backward(a, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        d = ctx.axis
        zero = a.data == 0
        if not zero.any():
            return _reverse_cumsum(g * out, d) / a, None
        n = a.shape[d]
        pos = np.arange(n).reshape([n if i == d else 1 for i in range(a.ndim)])
        first = np.where(zero.any(axis=d, keepdims=True), zero.argmax(axis=d, keepdims=True), n)
        before, at = pos < first, pos == first
        upto = _reverse_cumsum(g * out, d) / where(zero, 1.0, a)
        skip_zero = cumprod(where(at, 1.0, a), d)  # Π_{k <= j, k != z} a_k
        at_zero = sum(where(pos >= first, g * skip_zero, 0.0), d, True)
        return where(before, upto, where(at, at_zero, 0.0)), None


def _dim(a: Tensor, dim: Any, op: str) -> int:
    if dim is None:
        raise TypeError(f"{op}: give the dim to run along (dim=...)")
    return normalize_axis(operator.index(dim), a.ndim, op)[0] if a.ndim else 0


def _scan(fn: type[Function], op: str, a: Any, dim: Any, axis: Any, dtype: Any) -> Tensor:
    a = as_tensor(a)
    if dtype is not None:
        a = astype(a, dtype)
    d = _dim(a, axis if dim is None else dim, op)
    if a.ndim == 0:
        return reshape(fn.apply(reshape(a, 1), 0), ())
    return fn.apply(a, d)


def cumsum(a: Any, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running sum along ``dim``: ``out[..., i, ...] = Σ_{j <= i} a[..., j, ...]`` (a's shape;
    integers and bools give int64, as PyTorch)."""
    return _scan(CumSum, "cumsum", a, dim, axis, dtype)


def cumprod(a: Any, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running product along ``dim``: ``out[..., i, ...] = Π_{j <= i} a[..., j, ...]``
    (a's shape); its gradient is correct with zeros in ``a``."""
    return _scan(CumProd, "cumprod", a, dim, axis, dtype)


def _product_of_others(a: Tensor, axis: int) -> Tensor:
    """``Π_{k != i} a_k`` along ``axis`` for each i, without division: the product of the
    entries before i times the product of those after i (exact with zeros)."""
    n = a.shape[axis]
    if n == 0:
        return a
    one = Tensor._wrap(np.ones([1 if i == axis else s for i, s in enumerate(a.shape)], a.dtype))
    head = (slice(None),) * axis
    before = concatenate([one, cumprod(a, axis)[(*head, slice(None, n - 1))]], axis=axis)
    after = concatenate([one, cumprod(flip(a, axis), axis)[(*head, slice(None, n - 1))]],
                        axis=axis)
    return before * flip(after, axis)


class Prod(Function):
    """``Π a`` over ``axis`` (one dim or all); d/da_i = ``Π_{k != i} a_k`` (0-safe)."""

    @staticmethod
    def forward(ctx, a, axes, keepdims):
        ctx.save_for_backward(a)
        ctx.meta = (a.shape, axes, keepdims)
        return np.prod(a, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        shape, axes, keepdims = ctx.meta
        if axes is None:
            others = reshape(_product_of_others(reshape(a, -1), 0), shape)
        else:
            others = _product_of_others(a, axes[0])
        return _expand_back(g, shape, axes, keepdims) * others, None, None


def prod(a: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None,
         keepdims: Any = None, dtype: Any = None) -> Tensor:
    """Product of the elements over ``dim`` (a single dim, or all when None), the shape of a
    reduction; integers and bools give int64. Its gradient is correct with zeros."""
    a = as_tensor(a)
    if dtype is not None:
        a = astype(a, dtype)
    axis, keep = resolve_axis(axis, dim, keepdims, keepdim)
    if axis is not None and not isinstance(axis, (int, np.integer)):
        raise TypeError(f"prod: dim must be a single int (or None for all elements), got "
                        f"{axis!r}")
    return Prod.apply(a, reduction_axes(axis, a.ndim, "prod"), keep)
