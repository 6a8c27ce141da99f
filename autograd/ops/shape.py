"""Shape ops: reshape, transpose/permute, broadcast_to/expand, squeeze/unsqueeze,
flatten, concatenate/stack and split. Their backwards only move the gradient
back to the input's layout.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import AxisError, ShapeError
from ..function import Function
from ..tensor import Tensor
from ._util import as_tensor, float_promoted, normalize_axis, unbroadcast


class Reshape(Function):
    """View the data with another shape; the gradient is reshaped back."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape), None


class Permute(Function):
    """Permute the axes; the gradient gets the inverse permutation."""

    @staticmethod
    def forward(ctx, a, axes):
        ctx.axes = axes
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx, g):
        inverse = tuple(np.argsort(ctx.axes)) if ctx.axes is not None else None
        return permute(g, inverse), None


class BroadcastTo(Function):
    """Broadcast to a larger shape (a read-only view); backward sums via ``unbroadcast``."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return unbroadcast(g, ctx.in_shape), None


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _sizes(shape: tuple, op: str) -> tuple:
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"{op}: the new shape must be ints or a tuple of ints, got "
                        f"{shape!r}") from None


def reshape(a: Any, *shape: Any, order: str = "C") -> Tensor:
    """The same data with a new shape (one entry may be -1): a view when the layout allows,
    else a copy (as NumPy's and PyTorch's ``reshape``). Only NumPy's row-major ``order``."""
    if order != "C":
        raise ValueError(f"reshape: only order='C' (row-major, as PyTorch) is supported, got "
                         f"{order!r}")
    a = as_tensor(a)
    shape = _shape_arg(shape)
    try:
        return Reshape.apply(a, tuple(int(s) for s in shape))
    except ValueError:
        raise ShapeError(
            f"reshape: cannot reshape a tensor of shape {a.shape} ({a.data.size} elements) "
            f"into shape {shape}"
        ) from None
    except TypeError:
        _sizes(shape, "reshape")  # raises the TypeError naming reshape when a size is no int
        raise


def view(a: Any, *shape: Any) -> Tensor:
    """PyTorch's ``view``: ``reshape`` that always shares the data, so writes through the
    result reach ``a``; a layout that would need a copy (``x.T.view(-1)``) raises."""
    a = as_tensor(a)
    shape = _shape_arg(shape)
    sizes = _sizes(shape, "view")
    try:
        probe = a.data.reshape(sizes)
    except ValueError:
        raise ShapeError(f"view: cannot view a tensor of shape {a.shape} ({a.data.size} "
                         f"elements) as shape {shape}") from None
    if probe.size and not np.may_share_memory(probe, a.data):
        raise ShapeError(f"view: the data of this tensor of shape {a.shape} (strides "
                         f"{a.data.strides}) can't be viewed as shape {shape} without a copy; "
                         "use .reshape(...), or .contiguous().view(...)")
    return Reshape.apply(a, sizes)


class Contiguous(Function):
    """A C-ordered copy of the data; the gradient passes through unchanged."""

    @staticmethod
    def forward(ctx, a):
        return np.ascontiguousarray(a)

    @staticmethod
    def backward(ctx, g):
        return g


def contiguous(a: Any) -> Tensor:
    """``a`` with its data in C (row-major) order, copied only when it is not already."""
    a = as_tensor(a)
    return a if a.data.flags.c_contiguous else Contiguous.apply(a)


def permute(a: Any, *axes: Any) -> Tensor:
    """Reorder the axes: ``permute(x, 2, 0, 1)``."""
    return _permute(as_tensor(a), _shape_arg(axes), "permute")


def _permute(a: Tensor, axes: tuple, op: str) -> Tensor:
    """``permute`` with ``op``, the function the user called, named in its errors."""
    if axes is None or axes == (None,):
        return Permute.apply(a, None)
    if sorted(int(x) % max(a.ndim, 1) for x in axes) != list(range(a.ndim)):
        raise ValueError(f"{op}: {axes} is not a permutation of the {a.ndim} axes of a tensor "
                         f"of shape {a.shape}")
    return Permute.apply(a, tuple(int(x) % a.ndim for x in axes))


def transpose(a: Any, *axes: Any) -> Tensor:
    """``transpose()`` reverses the axes; ``transpose(*axes)`` with every axis permutes
    (NumPy); ``transpose(d0, d1)`` on a tensor of more than two dims swaps two (PyTorch)."""
    a = as_tensor(a)
    axes = _shape_arg(axes)
    if len(axes) == 0 or axes == (None,):  # (None,): np.transpose(t) passes axes=None
        return Permute.apply(a, None)
    if len(axes) == 2 and a.ndim != 2:
        return _swap(a, axes[0], axes[1], "transpose")
    return _permute(a, axes, "transpose")


def swapaxes(a: Any, axis1: int, axis2: int) -> Tensor:
    """Swap two axes."""
    return _swap(as_tensor(a), axis1, axis2, "swapaxes")


def _swap(a: Tensor, axis1: int, axis2: int, op: str) -> Tensor:
    order = list(range(a.ndim))
    i, j = normalize_axis(axis1, a.ndim, op)[0], normalize_axis(axis2, a.ndim, op)[0]
    order[i], order[j] = order[j], order[i]
    return Permute.apply(a, tuple(order))


def broadcast_to(a: Any, shape: Any) -> Tensor:
    """NumPy's ``broadcast_to``: a view of ``a`` with the larger ``shape``."""
    shape = tuple(int(s) for s in (shape if isinstance(shape, (tuple, list)) else (shape,)))
    return _broadcast(as_tensor(a), shape, "broadcast_to")


def _broadcast(a: Tensor, shape: tuple, op: str) -> Tensor:
    """``broadcast_to`` with ``op``, the function the user called, named in its errors."""
    if a.shape == shape:
        return a
    try:
        return BroadcastTo.apply(a, shape)
    except ValueError:
        raise ShapeError(f"{op}: cannot broadcast shape {a.shape} to {shape} (a dimension "
                         "can only grow from size 1)") from None


def expand(a: Any, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: broadcast to ``sizes``, where -1 keeps the current size."""
    a = as_tensor(a)
    sizes = _shape_arg(sizes)
    lead = len(sizes) - a.ndim
    if lead < 0:
        raise ShapeError(f"expand: {sizes} has fewer dimensions than the tensor's {a.shape}")
    if any(s == -1 for s in sizes[:lead]):
        raise ShapeError(f"expand: -1 (keep the size) is not allowed for the new leading "
                         f"dimensions of {sizes}; the tensor has shape {a.shape}")
    shape = tuple(a.shape[i - lead] if s == -1 else int(s) for i, s in enumerate(sizes))
    return _broadcast(a, shape, "expand")


def squeeze(a: Any, axis: Any = None, *, dim: Any = None) -> Tensor:
    """Drop axes of size 1 (all of them, or the given ones that have size 1)."""
    a = as_tensor(a)
    axis = dim if dim is not None else axis
    if axis is None:
        shape = tuple(s for s in a.shape if s != 1)
    else:
        axes = normalize_axis(axis, a.ndim, "squeeze")
        shape = tuple(s for i, s in enumerate(a.shape) if not (i in axes and s == 1))
    return a if shape == a.shape else reshape(a, shape)


def unsqueeze(a: Any, axis: int | None = None, *, dim: Any = None) -> Tensor:
    """Insert an axis of size 1 at position ``axis``."""
    a = as_tensor(a)
    axis = dim if dim is not None else axis
    if axis is None:
        raise TypeError("unsqueeze needs an axis")
    n = a.ndim + 1
    if not -n <= axis < n:
        raise AxisError(f"unsqueeze: axis {axis} out of range for {n} dims")
    axis %= n
    return reshape(a, a.shape[:axis] + (1,) + a.shape[axis:])


def flatten(a: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge the axes from ``start_dim`` to ``end_dim`` into one (PyTorch's flatten)."""
    a = as_tensor(a)
    s = normalize_axis(start_dim, a.ndim, "flatten")[0]
    e = normalize_axis(end_dim, a.ndim, "flatten")[0]
    if a.ndim == 0:
        return reshape(a, (1,))
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = int(np.prod(a.shape[s:e + 1]))
    return reshape(a, a.shape[:s] + (merged,) + a.shape[e + 1:])


class Concatenate(Function):
    """Join tensors along an axis; the gradient is sliced back into the pieces."""

    @staticmethod
    def forward(ctx, axis, *arrays):
        ctx.axis = axis
        ctx.sizes = [x.shape[axis] for x in arrays]
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return (None, *split(g, ctx.sizes, axis=ctx.axis))


class Stack(Function):
    """Stack tensors along a new axis; each piece gets its slice of the gradient."""

    @staticmethod
    def forward(ctx, axis, *arrays):
        ctx.axis = axis
        ctx.n = len(arrays)
        return np.stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx, g):
        pieces = split(g, [1] * ctx.n, axis=ctx.axis)
        return (None, *(squeeze(p, ctx.axis) for p in pieces))


class Split(Function):
    """Cut a tensor into pieces along an axis; backward concatenates the gradients."""

    @staticmethod
    def forward(ctx, a, sizes, axis):
        ctx.axis = axis
        bounds = np.cumsum(sizes)[:-1]
        return tuple(np.split(a, bounds, axis=axis))

    @staticmethod
    def backward(ctx, *grads):
        return concatenate(grads, axis=ctx.axis), None, None


def _tensors(seq: Any, name: str) -> list[Tensor]:
    if isinstance(seq, Tensor):
        raise TypeError(f"{name} takes a sequence of tensors, not a single tensor")
    ts = [as_tensor(x) for x in seq]
    if not ts:
        raise ValueError(f"{name} needs at least one tensor")
    return ts


def concatenate(tensors: Any, axis: int = 0, *, dim: Any = None) -> Tensor:
    """Join tensors along an existing axis (``cat``)."""
    ts = _tensors(tensors, "concatenate")
    axis = dim if dim is not None else axis
    axis = normalize_axis(axis, ts[0].ndim, "concatenate")[0]
    for t in ts[1:]:
        if t.ndim != ts[0].ndim or any(
                s != r for i, (s, r) in enumerate(zip(t.shape, ts[0].shape)) if i != axis):
            raise ShapeError(
                f"concatenate: shapes {ts[0].shape} and {t.shape} differ outside axis {axis}"
            )
    return Concatenate.apply(axis, *float_promoted(*ts))


cat = concatenate


def stack(tensors: Any, axis: int = 0, *, dim: Any = None) -> Tensor:
    """Join tensors of equal shape along a new axis."""
    ts = _tensors(tensors, "stack")
    axis = dim if dim is not None else axis
    for t in ts[1:]:
        if t.shape != ts[0].shape:
            raise ShapeError(f"stack: all tensors need the same shape, got {ts[0].shape} "
                             f"and {t.shape}")
    axis = normalize_axis(axis, ts[0].ndim + 1, "stack")[0]
    return Stack.apply(axis, *float_promoted(*ts))


def split(a: Any, split_size_or_sections: Any, axis: int = 0, *,
          dim: Any = None) -> tuple[Tensor, ...]:
    """PyTorch's ``split``: an int is the size of each chunk (the last may be smaller),
    a list gives the sizes, which must add up to the axis length."""
    a = as_tensor(a)
    axis = dim if dim is not None else axis
    axis = normalize_axis(axis, a.ndim, "split")[0]
    n = a.shape[axis]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: chunk size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else [])
        if not sizes:
            sizes = [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise ShapeError(f"split: sizes {sizes} add up to {sum(sizes)}, but axis {axis} "
                             f"of shape {a.shape} has length {n}")
    out = Split.apply(a, sizes, axis)
    return out if isinstance(out, tuple) else (out,)


def chunk(a: Any, chunks: int, axis: int = 0, *, dim: Any = None) -> tuple[Tensor, ...]:
    """Split into ``chunks`` pieces of (nearly) equal size along ``axis``."""
    a = as_tensor(a)
    axis = dim if dim is not None else axis
    n = a.shape[normalize_axis(axis, a.ndim, "chunk")[0]]
    if int(chunks) <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    size = max(-(-n // int(chunks)), 1)
    return split(a, size, axis)
