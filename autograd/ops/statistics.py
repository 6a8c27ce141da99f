"""Reductions that skip nan, ``nansum`` and ``nanmean``, and the ``median``.

``nansum`` is the sum of the input with its nan entries replaced by 0 (so they get
gradient 0) and ``nanmean`` divides that by the count of the others. The median of
the whole tensor passes its gradient in equal shares to the entries equal to it (as
PyTorch's); along a dim it is a ``gather`` at the median's index, whose gradient goes
to that one entry.
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis, reduction_axes, resolve_axis
from .elementwise import astype, where
from .rearrange import gather
from .reduce import sum
from .shape import reshape


def _without_nan(a: Tensor) -> Tensor:
    if a.dtype.kind != "f":
        return a
    nan = np.isnan(a.data)
    return where(nan, 0.0, a) if nan.any() else a


def nansum(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
           axis: Any = None, keepdims: Any = None) -> Tensor:
    """``Σ a`` over ``dim`` (an int, a tuple or None for all) counting nan as 0; the nan
    entries get gradient 0. Integers sum to int64 as ``sum``."""
    a = as_tensor(input)
    if dtype is not None:
        a = astype(a, dtype)
    dim, keep = resolve_axis(axis, dim, keepdims, keepdim)
    return sum(_without_nan(a), dim, keep)


def nanmean(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
            axis: Any = None, keepdims: Any = None) -> Tensor:
    """The mean over ``dim`` of the entries that are not nan: ``nansum / count``; nan where
    every entry is nan (0/0). Floating input only, as PyTorch's."""
    a = as_tensor(input)
    if dtype is not None:
        a = astype(a, dtype)
    if a.dtype.kind != "f":
        raise TypeError(f"nanmean: expects a floating point input, got dtype {a.dtype}")
    dim, keep = resolve_axis(axis, dim, keepdims, keepdim)
    axes = reduction_axes(dim, a.ndim, "nanmean")
    count = np.sum(~np.isnan(a.data), axis=axes, keepdims=keep).astype(a.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sum(_without_nan(a), axes, keep) / Tensor._wrap(count)


class MedianResult(NamedTuple):
    """``(values, indices)`` of ``median`` along a dim, as PyTorch's return type."""

    values: Tensor
    indices: Tensor


class Median(Function):
    """The lower median of every element (nan if any is nan); the gradient is shared
    equally by the entries equal to it (the nan entries, for a nan result)."""

    @staticmethod
    def forward(ctx, a):
        flat = a.reshape(-1)
        if flat.size == 0:
            ctx.share = np.zeros(a.shape, a.dtype)
            return np.asarray(np.nan, dtype=a.dtype if a.dtype.kind == "f" else np.float64)
        nan = np.isnan(flat) if a.dtype.kind == "f" else np.zeros(flat.shape, bool)
        if nan.any():
            value, mask = flat[np.argmax(nan)], np.isnan(a)
        else:
            value = np.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2]
            mask = a == value
        ctx.share = (mask / np.count_nonzero(mask)).astype(a.dtype, copy=False)
        return np.asarray(value, dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        return g * ctx.share


def _median_index(x: np.ndarray, axis: int) -> np.ndarray:
    """The index along ``axis`` of the lower median of each row (of the first nan in rows
    that hold one): a stable sort's middle entry."""
    n = x.shape[axis]
    idx = np.take(np.argsort(x, axis=axis, kind="stable"), [(n - 1) // 2], axis=axis)
    if x.dtype.kind == "f":
        nan = np.isnan(x)
        has_nan = nan.any(axis=axis, keepdims=True)
        idx = np.where(has_nan, np.argmax(nan, axis=axis, keepdims=True), idx)
    return idx.astype(np.int64)


def median(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """Without ``dim``: the lower median of all elements (the ``(n-1)//2``-th smallest; nan
    if any is nan, nan for an empty tensor), a 0-d tensor whose gradient the entries
    equal to it share. With ``dim``: ``(values, indices)``, the median along that dim and
    its int64 index (a nan and its index in rows holding one); the gradient goes to the
    entry at the index."""
    a = as_tensor(input)
    if dim is None:
        return Median.apply(a)
    try:
        d = normalize_axis(operator.index(dim), max(a.ndim, 1), "median")[0]
    except TypeError:
        raise TypeError(f"median: dim must be an int, got {dim!r}") from None
    base = reshape(a, 1) if a.ndim == 0 else a
    if base.shape[d] == 0:
        raise ShapeError(f"median: reduction over dim {d} of size 0 (input shape {a.shape}) "
                         "has no median")
    idx = _median_index(base.data, d)
    values = gather(base, d, idx)
    if a.ndim == 0:
        return MedianResult(reshape(values, ()), Tensor._wrap(idx.reshape(())))
    if not keepdim:
        shape = tuple(s for i, s in enumerate(base.shape) if i != d)
        values, idx = reshape(values, shape), idx.reshape(shape)
    return MedianResult(values, Tensor._wrap(idx))

