"""Ops that move or pick elements: ``flip``, ``roll``, ``repeat``, ``tile``, ``select``,
``unbind``, ``index_select``, ``gather`` and ``masked_fill``.

Each is a composition of indexing, ``cat``, ``reshape``/``broadcast_to`` and ``where``,
so its gradient (a scatter-add back to the input's places) and the gradients of that
come from those ops.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import as_tensor, check_index_range, normalize_axis
from .elementwise import astype, mul, where
from .index import getitem
from .shape import Contiguous, broadcast_to, concatenate, reshape


def _owned(out: Tensor, a: Tensor) -> Tensor:
    """``out`` with data of its own (a copy when it is a view of ``a``'s), as PyTorch's
    ``flip`` and ``roll`` return new tensors: writes into them never reach ``a``."""
    if not np.may_share_memory(out.data, a.data):
        return out
    if not out.data.flags.c_contiguous:
        return Contiguous.apply(out)
    return mul(out, 1.0) if out.requires_grad else Tensor._wrap(out.data.copy())


def _dim(a: Tensor, dim: Any, op: str) -> int:
    try:
        d = operator.index(dim)
    except TypeError:
        raise TypeError(f"{op}: dim must be an int, got {dim!r}") from None
    return normalize_axis(d, a.ndim, op)[0] if a.ndim else 0


def _ints(sizes: tuple, op: str, what: str) -> tuple:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    try:
        return tuple(operator.index(s) for s in sizes)
    except TypeError:
        raise TypeError(f"{op}: {what} must be ints, got {sizes!r}") from None


def flip(a: Any, *dims: Any) -> Tensor:
    """Reverse the order of the elements along each of ``dims`` (same shape):
    ``out[..., i, ...] = a[..., n-1-i, ...]``."""
    a = as_tensor(a)
    axes = normalize_axis(_ints(dims, "flip", "dims"), a.ndim, "flip") or ()
    index = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(a.ndim))
    return _owned(getitem(a, index), a)


def roll(a: Any, shifts: Any, dims: Any = None) -> Tensor:
    """Shift the elements cyclically: ``out[(i + shift) % n] = a[i]`` along each dim of
    ``dims`` (ints or tuples of equal length); with ``dims=None`` the flattened tensor is
    rolled and the shape restored."""
    a = as_tensor(a)
    if dims is None:
        flat = _ints(tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,),
                     "roll", "shifts")
        if len(flat) != 1:
            raise ValueError(f"roll: with dims=None, shifts must be a single int, got {shifts!r}")
        return _owned(reshape(_roll1(reshape(a, -1), flat[0], 0), a.shape), a)
    shifts = _ints(shifts if isinstance(shifts, (tuple, list)) else (shifts,), "roll", "shifts")
    dims = _ints(dims if isinstance(dims, (tuple, list)) else (dims,), "roll", "dims")
    if len(shifts) != len(dims):
        raise ValueError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    out = a
    for s, d in zip(shifts, dims):
        out = _roll1(out, s, _dim(a, d, "roll"))
    return _owned(out, a)


def _roll1(a: Tensor, shift: int, axis: int) -> Tensor:
    n = a.shape[axis] if a.ndim else 1
    if a.ndim == 0 or n == 0 or shift % n == 0:
        return a
    k = shift % n
    head = (slice(None),) * axis
    return concatenate([getitem(a, (*head, slice(n - k, None))),
                        getitem(a, (*head, slice(None, n - k)))], axis=axis)


def repeat(a: Any, *sizes: Any) -> Tensor:
    """PyTorch's ``repeat``: tile ``a`` ``sizes[i]`` times along dim i. ``sizes`` has at least
    ``a.ndim`` entries (extra leading ones add dims): shape ``(s_0·r_0, s_1·r_1, ...)``."""
    a = as_tensor(a)
    reps = _ints(sizes, "repeat", "sizes")
    if len(reps) < a.ndim:
        raise ShapeError(f"repeat: the number of repeat dims ({len(reps)}) can't be smaller "
                         f"than the number of dims of the tensor of shape {a.shape}")
    if any(r < 0 for r in reps):
        raise ValueError(f"repeat: sizes must be non-negative, got {reps}")
    shape = (1,) * (len(reps) - a.ndim) + a.shape
    x = reshape(a, tuple(d for s in shape for d in (1, s)))
    x = broadcast_to(x, tuple(d for r, s in zip(reps, shape) for d in (r, s)))
    return _owned(reshape(x, tuple(r * s for r, s in zip(reps, shape))), a)


def tile(a: Any, *dims: Any) -> Tensor:
    """``repeat`` where ``dims`` may be shorter than ``a.ndim`` (ones are prepended)."""
    a = as_tensor(a)
    reps = _ints(dims, "tile", "dims")
    return repeat(a, (1,) * (a.ndim - len(reps)) + reps)


def select(a: Any, dim: Any, index: Any) -> Tensor:
    """The slice at ``index`` along ``dim``, that dim removed: ``out = a[..., index, ...]``."""
    a = as_tensor(a)
    if a.ndim == 0:
        raise ShapeError("select: can't select from a 0-d tensor")
    d = _dim(a, dim, "select")
    i = operator.index(index)
    n = a.shape[d]
    if not -n <= i < n:
        raise IndexError(f"select: index {i} is out of range for dim {d} of size {n} (shape "
                         f"{a.shape})")
    return getitem(a, (slice(None),) * d + (i,))


def unbind(a: Any, dim: Any = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim`` as a tuple of ``a.shape[dim]`` tensors without that dim."""
    a = as_tensor(a)
    if a.ndim == 0:
        raise ShapeError("unbind: can't unbind a 0-d tensor")
    d = _dim(a, dim, "unbind")
    return tuple(select(a, d, i) for i in range(a.shape[d]))


def _index_array(index: Any, op: str) -> np.ndarray:
    idx = np.asarray(index.data if isinstance(index, Tensor) else index)
    if idx.dtype.kind not in "iu" and not (idx.size == 0 and idx.dtype.kind == "f"):
        raise TypeError(f"{op}: index must be an integer tensor, got dtype {idx.dtype}")
    return idx.astype(np.intp, copy=False)


def index_select(a: Any, dim: Any, index: Any) -> Tensor:
    """The entries at ``index`` (1-D integers, repeats allowed) along ``dim``:
    ``out[..., k, ...] = a[..., index[k], ...]``; that dim gets length ``len(index)``."""
    a = as_tensor(a)
    idx = _index_array(index, "index_select")
    if idx.ndim > 1:
        raise ShapeError(f"index_select: index must be 0-D or 1-D, got shape {idx.shape}")
    idx = idx.reshape(-1)
    if a.ndim == 0:
        return getitem(reshape(a, 1), (idx,)).reshape(())
    d = _dim(a, dim, "index_select")
    check_index_range("index_select", idx, d, a.shape)
    return getitem(a, (slice(None),) * d + (idx,))


def gather(a: Any, dim: Any, index: Any) -> Tensor:
    """``out[i][j][k] = a[index[i][j][k]][j][k]`` (for dim 0; likewise for other dims):
    ``index`` has ``a``'s number of dims, each no longer than ``a``'s except along ``dim``,
    and gives the output's shape."""
    a = as_tensor(a)
    idx = _index_array(index, "gather")
    if idx.ndim != a.ndim:
        raise ShapeError(f"gather: index must have as many dims as the input, got index shape "
                         f"{idx.shape} for input shape {a.shape}")
    if a.ndim == 0:
        return getitem(reshape(a, 1), (idx.reshape(1),)).reshape(())
    d = _dim(a, dim, "gather")
    if any(i != d and s > t for i, (s, t) in enumerate(zip(idx.shape, a.shape))):
        raise ShapeError(f"gather: index shape {idx.shape} is larger than input shape {a.shape} "
                         f"in a dim other than {d}")
    check_index_range("gather", idx, d, a.shape)
    grid = list(np.ogrid[tuple(slice(s) for s in idx.shape)]) if idx.ndim else []
    grid[d] = idx
    return getitem(a, tuple(grid))


def masked_fill(a: Any, mask: Any, value: Any) -> Tensor:
    """``value`` where ``mask`` (bool, broadcast against ``a``) is true, ``a`` elsewhere:
    ``out = where(mask, value, a)``, in ``a``'s dtype. ``value`` is a number or a 0-d tensor
    (which then gets the gradient summed over the filled places)."""
    a = as_tensor(a)
    m = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if m.dtype != bool:
        raise TypeError(f"masked_fill: the mask must be bool, got {m.dtype} of shape {m.shape}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"masked_fill: value must be a number or a 0-d tensor, got shape "
                             f"{value.shape}")
        value = astype(value, a.dtype)
    else:
        if np.ndim(value) != 0:
            raise ShapeError(f"masked_fill: value must be a number or a 0-d tensor, got shape "
                             f"{np.shape(value)}")
        value = Tensor._wrap(np.asarray(value).astype(a.dtype))
    return where(mask if isinstance(mask, Tensor) else m, value, a)
