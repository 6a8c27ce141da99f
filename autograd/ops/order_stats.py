"""Order statistics along a dim: ``kthvalue``, ``mode``, ``nanmedian``, ``aminmax`` and
``msort``.

Each value is a ``gather`` of the input at the int64 index it came from, so its gradient
goes to that one entry (and is differentiable again); ``nanmedian`` of the whole tensor
shares its gradient among the entries equal to it, as ``median``, and ``aminmax`` is
``amin`` and ``amax``. Ties pick the index a stable sort gives, except ``mode``, which
returns the last place of its value (PyTorch's).
"""

from __future__ import annotations

import operator
from typing import Any, NamedTuple

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, normalize_axis
from .aliases import amax, amin
from .rearrange import gather
from .shape import reshape
from .sorting import sort
from .statistics import Median


class KthvalueResult(NamedTuple):
    """``(values, indices)`` of ``kthvalue``, as PyTorch's return type."""

    values: Tensor
    indices: Tensor


class ModeResult(NamedTuple):
    """``(values, indices)`` of ``mode``, as PyTorch's return type."""

    values: Tensor
    indices: Tensor


class NanmedianResult(NamedTuple):
    """``(values, indices)`` of ``nanmedian`` along a dim, as PyTorch's return type."""

    values: Tensor
    indices: Tensor


class AminmaxResult(NamedTuple):
    """``(min, max)`` of ``aminmax``, as PyTorch's return type."""

    min: Tensor
    max: Tensor


def _reduce_at(op: str, result: type, input: Any, dim: Any, keepdim: bool, pick: Any) -> Any:
    """``result(values, indices)`` for the index ``pick(x, axis)`` chooses along ``dim``
    (with the dim kept, length 1): values gathered from the input, the dim dropped
    unless ``keepdim``. A 0-d input is a single entry along dim 0 or -1."""
    a = as_tensor(input)
    try:
        d = normalize_axis(operator.index(dim), max(a.ndim, 1), op)[0]
    except TypeError:
        raise TypeError(f"{op}: dim must be an int, got {dim!r}") from None
    base = reshape(a, 1) if a.ndim == 0 else a
    if base.shape[d] == 0:
        raise IndexError(f"{op}: expected reduction dim {d} to have non-zero size (input "
                         f"shape {a.shape})")
    idx = pick(base.data, d)
    values = gather(base, d, idx)
    if a.ndim == 0:
        return result(reshape(values, ()), Tensor._wrap(idx.reshape(())))
    if not keepdim:
        shape = tuple(s for i, s in enumerate(base.shape) if i != d)
        values, idx = reshape(values, shape), idx.reshape(shape)
    return result(values, Tensor._wrap(idx))


def _kept(shape: tuple, axis: int) -> tuple:
    return tuple(1 if i == axis else s for i, s in enumerate(shape))


def _sorted_at(x: np.ndarray, axis: int, position: np.ndarray) -> np.ndarray:
    """The index of the entry at ``position`` (kept-dim shape) of a stable ascending sort
    along ``axis`` (nan last)."""
    order = np.argsort(x, axis=axis, kind="stable")
    return np.take_along_axis(order, position, axis=axis).astype(np.int64)


def kthvalue(input: Any, k: int, dim: Any = -1, keepdim: bool = False) -> KthvalueResult:
    """``(values, indices)``: the k-th smallest entry along ``dim`` (k from 1; nan counts
    as the largest) and its int64 index, the shape of a reduction. The gradient goes to
    the entry at the index. Among equal values the index is a stable sort's (PyTorch's
    selection algorithm may return another of the tied places)."""
    k = operator.index(k)
    a = as_tensor(input)
    if a.dtype.kind == "b":
        raise TypeError("kthvalue: bool input is not supported (as PyTorch's); convert it "
                        "first (t.int())")

    def pick(x: np.ndarray, axis: int) -> np.ndarray:
        n = x.shape[axis]
        if not 1 <= k <= n:
            raise IndexError(f"kthvalue: k={k} is out of range for dim {dim} of size {n} "
                             f"(input shape {a.shape}); k runs from 1 to {n}")
        return _sorted_at(x, axis, np.full(_kept(x.shape, axis), k - 1))

    return _reduce_at("kthvalue", KthvalueResult, a, dim, keepdim, pick)


def _mode_index(x: np.ndarray, axis: int) -> np.ndarray:
    """The last place of the most frequent value along ``axis`` (the smallest such value
    on ties; each nan counts once and sorts last)."""
    order = np.argsort(x, axis=axis, kind="stable")
    s = np.moveaxis(np.take_along_axis(x, order, axis=axis), axis, -1)
    order = np.moveaxis(order, axis, -1)
    n = s.shape[-1]
    pos = np.broadcast_to(np.arange(n), s.shape)
    starts = np.ones(s.shape, bool)
    starts[..., 1:] = s[..., 1:] != s[..., :-1]  # nan != nan: a run of its own
    ends = np.ones(s.shape, bool)
    ends[..., :-1] = starts[..., 1:]
    first = np.maximum.accumulate(np.where(starts, pos, 0), axis=-1)
    last = np.flip(np.minimum.accumulate(np.flip(np.where(ends, pos, n), -1), axis=-1), -1)
    best = np.argmax(last - first, axis=-1)[..., None]  # first maximum: smallest value
    at_end = np.take_along_axis(last, best, axis=-1)
    idx = np.take_along_axis(order, at_end, axis=-1)
    return np.moveaxis(idx, -1, axis).astype(np.int64)


def mode(input: Any, dim: Any = -1, keepdim: bool = False) -> ModeResult:
    """``(values, indices)``: the most frequent value along ``dim`` (the smallest of
    those equally frequent) and the int64 index of its last occurrence, the shape of a
    reduction; the gradient goes to the entry at the index. Each nan counts as a value
    of its own (PyTorch's CPU result for rows holding nan depends on how its sort orders
    them, which it does not specify)."""
    return _reduce_at("mode", ModeResult, input, dim, keepdim, _mode_index)


def _nanmedian_index(x: np.ndarray, axis: int) -> np.ndarray:
    """The index of the lower median of the non-nan entries of each row (of its first
    nan where all are nan)."""
    count = np.sum(~np.isnan(x), axis=axis, keepdims=True) if x.dtype.kind == "f" else \
        np.full(_kept(x.shape, axis), x.shape[axis])
    return _sorted_at(x, axis, np.maximum(count - 1, 0) // 2)


class NanMedian(Median):
    """The lower median of the non-nan elements (nan if all are nan or there are none);
    the gradient is shared equally by the entries equal to it (by the nan entries for a
    nan result), as ``median``'s."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind != "f" or a.size == 0 or np.isnan(a).all():
            return Median.forward(ctx, a)
        kept = a[~np.isnan(a)]
        value = np.partition(kept, (kept.size - 1) // 2)[(kept.size - 1) // 2]
        mask = a == value
        ctx.share = (mask / np.count_nonzero(mask)).astype(a.dtype, copy=False)
        return np.asarray(value, dtype=a.dtype)


def nanmedian(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """``median`` that skips nan. Without ``dim``: the lower median of the non-nan
    elements (nan when there are none), a 0-d tensor whose gradient the entries equal to
    it share. With ``dim``: ``(values, indices)`` along that dim; the gradient goes to
    the entry at the index. A row of only nan gives nan at its first place (PyTorch's
    index there is whatever its selection algorithm leaves)."""
    a = as_tensor(input)
    if dim is None:
        return NanMedian.apply(a)
    return _reduce_at("nanmedian", NanmedianResult, a, dim, keepdim, _nanmedian_index)


def aminmax(input: Any, *, dim: Any = None, keepdim: bool = False) -> AminmaxResult:
    """``(min, max)``: ``amin`` and ``amax`` over ``dim`` (one int, or every dim when None),
    the shape of a reduction (with ``keepdim`` and no dim: all ones). Tied extremes share
    the gradient evenly, as ``amin``/``amax``'s."""
    a = as_tensor(input)
    if dim is not None and not isinstance(dim, (int, np.integer)):
        raise TypeError(f"aminmax: dim must be an int or None, got {dim!r}")
    axes = () if dim is None else dim
    shape = a.shape or (1,)
    reduced = a.data.size if dim is None else shape[normalize_axis(dim, len(shape),
                                                                   "aminmax")[0]]
    if reduced == 0:
        raise ShapeError(f"aminmax: can't reduce over an empty dimension (input shape "
                         f"{a.shape}, dim {dim}): the min and max of nothing are undefined")
    return AminmaxResult(amin(a, axes, keepdim), amax(a, axes, keepdim))


def msort(input: Any) -> Tensor:
    """``input`` sorted ascending along dim 0 (``sort(input, 0).values``; nan last); the
    gradient goes back to the place each value came from."""
    return sort(input, 0).values
