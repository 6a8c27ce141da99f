"""PyTorch's storage-level views: ``as_strided`` (a view of the memory a tensor lives in,
with any sizes, strides and offset), ``as_strided_scatter`` (its out-of-place write) and
``as_strided_copy``.

A tensor's *storage* here is the memory of the array that owns its data (``storage_offset``
counts from there), read in address order, element by element, as PyTorch's storage.
``as_strided(x, size, stride, offset)`` gives element ``(i_0, i_1, ...)`` the value at
storage position ``offset + Σ i_k·stride_k``.

Gradients follow PyTorch's ``as_strided_backward``: the upstream gradient is summed into
a zero storage at the positions the output read (so output elements that share memory
add up), then read back at the positions the input occupies; where the input's own
elements share memory (an expanded tensor) the sum is divided by how many share it.
Storage the input does not cover (``x[2:].as_strided(..., 0)`` reads ``x[0]``) gets no
gradient. Both maps are one op, ``Regather``, whose backward is itself with the roles
swapped, so every order of derivative works.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor


def _ints(values: Any, what: str, op: str) -> tuple[int, ...]:
    try:
        return tuple(operator.index(v) for v in values)
    except TypeError:
        raise TypeError(f"{op}: {what} must be a sequence of ints, got {values!r}") from None


def _storage(data: np.ndarray, op: str) -> tuple[np.ndarray, int]:
    """The array owning ``data``'s memory, as a flat view in address order, and the
    position (in elements) of ``data``'s first element in it."""
    root = data
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.flags.c_contiguous:
        flat = root.reshape(-1)
    elif root.flags.f_contiguous:
        flat = root.T.reshape(-1)
    else:
        raise ValueError(f"{op}: the memory of this tensor is not one contiguous block (its "
                         f"owner has strides {root.strides}); call .contiguous() first")
    start = (data.__array_interface__["data"][0] - flat.__array_interface__["data"][0])
    return flat, start // data.itemsize if data.size else 0


def _geometry(a: Tensor, size: Any, stride: Any, storage_offset: Any,
              op: str) -> tuple[tuple, tuple, int, np.ndarray, int]:
    """Checked ``(size, stride, offset)`` in elements, with a's storage and a's own
    offset in it; errors as PyTorch's."""
    size, stride = _ints(size, "size", op), _ints(stride, "stride", op)
    if len(size) != len(stride):
        raise RuntimeError(f"{op}: mismatch in length of strides and shape (size {size}, "
                           f"stride {stride})")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"{op}: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if any(s < 0 for s in size):
        raise RuntimeError(f"{op}: Trying to create tensor with negative dimension, got "
                           f"size {list(size)}")
    flat, own = _storage(a.data, op)
    offset = own if storage_offset is None else operator.index(storage_offset)
    if offset < 0:
        raise RuntimeError(f"{op}: Tensor: invalid storage offset {offset}")
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > flat.size:
        raise RuntimeError(
            f"{op}: setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{offset}, and itemsize {a.data.itemsize} requiring a storage size of "
            f"{need * a.data.itemsize} are out of bounds for storage of size "
            f"{flat.size * a.data.itemsize}")
    return size, stride, offset, flat, own


def _positions(shape: tuple, strides: tuple, offset: int) -> np.ndarray:
    """The storage position of each element of the geometry ``(shape, strides, offset)``."""
    pos = np.full(shape, offset, dtype=np.int64)
    for axis, (n, s) in enumerate(zip(shape, strides)):
        step = np.arange(n, dtype=np.int64) * s
        pos += step.reshape((n,) + (1,) * (len(shape) - axis - 1))
    return pos


def _own_positions(data: np.ndarray, own: int) -> np.ndarray:
    strides = tuple(s // data.itemsize for s in data.strides)
    return _positions(data.shape, strides, own)


class Regather(Function):
    """``out = (scatter-add of x·put_scale at put)[take]·take_scale`` over a storage of
    ``n`` elements: the linear map of as_strided's gradient (``put`` the output's
    positions, ``take`` the input's) and of its transpose, which is its backward."""

    @staticmethod
    def forward(ctx, x, put, take, put_scale, take_scale, n):
        ctx.args = put, take, put_scale, take_scale, n, x.shape
        weights = x.reshape(-1) if put_scale is None else (x * put_scale).reshape(-1)
        storage = np.bincount(put.reshape(-1), weights, minlength=n).astype(x.dtype, copy=False)
        out = storage[take]
        return out if take_scale is None else out * take_scale

    @staticmethod
    def backward(ctx, g):
        put, take, put_scale, take_scale, n, _ = ctx.args
        return Regather.apply(g, take, put, take_scale, put_scale, n), None, None, None, None, None


class AsStrided(Function):
    """The view ``(size, stride, offset)`` of a's storage (read-only where its elements
    share memory, as PyTorch refuses writes there)."""

    @staticmethod
    def forward(ctx, a, size, stride, offset):
        flat, own = _storage(a, "as_strided")
        item = a.itemsize
        ctx.args = size, stride, offset, _own_positions(a, own), flat.size
        out = np.ndarray(size, a.dtype, buffer=flat, offset=offset * item,
                         strides=tuple(s * item for s in stride))
        if out.size and any(n > 1 and s == 0 for n, s in zip(size, stride)):
            out.flags.writeable = False
        return out

    @staticmethod
    def backward(ctx, g):
        size, stride, offset, take, n = ctx.args
        counts = np.bincount(take.reshape(-1), minlength=n)
        scale = None if counts.max(initial=0) <= 1 else (1.0 / counts[take]).astype(g.dtype)
        return Regather.apply(g, _positions(size, stride, offset), take, None, scale, n), \
            None, None, None


def as_strided(input: Any, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
    """A view of ``input``'s storage with the given ``size`` and ``stride`` (in elements)
    starting ``storage_offset`` elements in (input's own offset by default): element
    ``(i_0, ...)`` is storage ``[offset + Σ i_k·stride_k]``. Writes through it reach
    ``input``. Raises, as PyTorch, on negative strides or a geometry beyond the storage.
    The gradient is summed over the storage positions read and read back at input's."""
    a = as_tensor(input)
    size, stride, offset, _, _ = _geometry(a, size, stride, storage_offset, "as_strided")
    return AsStrided.apply(a, size, stride, offset)


def as_strided_copy(input: Any, size: Any, stride: Any,
                    storage_offset: int | None = None) -> Tensor:
    """``as_strided`` copied into new (contiguous) memory; the same gradient."""
    return as_strided(input, size, stride, storage_offset).clone()


class AsStridedScatter(Function):
    """``out`` (a copy of a in a's memory order) with ``src`` written into the view
    ``(size, stride, offset)`` of out's storage."""

    @staticmethod
    def forward(ctx, a, src, size, stride, offset):
        out = np.copy(a, order="K")
        flat, own = _storage(out, "as_strided_scatter")
        item = out.itemsize
        view = np.ndarray(size, out.dtype, buffer=flat, offset=offset * item,
                          strides=tuple(s * item for s in stride))
        view[...] = src
        ctx.args = _own_positions(out, own), _positions(size, stride, offset), flat.size
        return out

    @staticmethod
    def backward(ctx, g):
        mine, put, n = ctx.args
        written = np.zeros(n, dtype=bool)
        written[put.reshape(-1)] = True
        keep = Tensor._wrap((~written[mine]).astype(g.dtype))
        # src's gradient: g laid into the storage at out's positions, read at the view's.
        return g * keep, Regather.apply(g, mine, put, None, None, n), None, None, None


def as_strided_scatter(input: Any, src: Any, size: Any, stride: Any,
                       storage_offset: int | None = None) -> Tensor:
    """A copy of ``input`` (in input's memory order, as PyTorch's ``clone``) whose
    ``as_strided(size, stride, storage_offset)`` view is ``src``. Gradients: input's is g
    with the written elements zeroed; src's is the view of g. Raises, as PyTorch, when src
    has another shape than the view or the view's elements share memory."""
    a, s = as_tensor(input), as_tensor(src)
    # The geometry is read in the copy's storage, which starts at its first element.
    copy = Tensor._wrap(np.copy(a.data, order="K"))
    offset = 0 if storage_offset is None else storage_offset
    size, stride, offset, _, _ = _geometry(copy, size, stride, offset, "as_strided_scatter")
    if s.shape != size:
        raise ShapeError(f"as_strided_scatter: expected src to have a size equal to the slice "
                         f"of self. src size = {list(s.shape)}, slice size = {list(size)}")
    if s.dtype != a.dtype:
        raise TypeError(f"as_strided_scatter: src must have the input's dtype {a.dtype}, got "
                        f"{s.dtype}")
    put = _positions(size, stride, offset).reshape(-1)
    if np.unique(put).size != put.size:
        raise RuntimeError("as_strided_scatter: unsupported operation: more than one element "
                           "of the written-to tensor refers to a single memory location. "
                           "Please clone() the tensor before performing the operation.")
    return AsStridedScatter.apply(a, s, size, stride, offset)
