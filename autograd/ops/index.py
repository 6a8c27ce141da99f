"""Indexing: ``t[...]`` with basic slices, integer arrays (repeats allowed) and boolean masks.

The backward of a read is a scatter-add of the gradient into zeros of the input's
shape (``np.add.at`` when indices may repeat, so repeated picks sum); the backward
of that scatter is the read again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor


def normalize_index(index: Any) -> Any:
    """Replace Tensors and lists inside an index by arrays (indices are not differentiable).

    A 0-d integer Tensor is a plain integer, as in PyTorch: ``t[i]`` with ``i`` from
    ``ag.arange`` is a view of ``t``, not NumPy's copy for a 0-d index array.
    """
    if isinstance(index, tuple):
        return tuple(normalize_index(i) for i in index)
    if isinstance(index, Tensor):
        data = index.data
        if data.ndim == 0 and data.dtype.kind in "iu":
            return int(data)
        return data
    if isinstance(index, list):
        # An empty list selects nothing (NumPy would make it a float array and refuse it).
        return np.asarray(index) if index else np.zeros(0, dtype=np.intp)
    return index


def _is_advanced(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, np.ndarray) and i.dtype != bool for i in items)


def _kept(index: Any) -> Any:
    """``index`` with its arrays copied, for backward: an index tensor or array changed in
    place after the forward must not move the gradient (PyTorch's indexing copies NumPy
    arrays and refuses changed index tensors; the copy gives the forward's places)."""
    if isinstance(index, tuple):
        return tuple(i.copy() if isinstance(i, np.ndarray) else i for i in index)
    return index.copy() if isinstance(index, np.ndarray) else index


def _scatter(shape: tuple, dtype: np.dtype, index: Any, g: np.ndarray) -> np.ndarray:
    out = np.zeros(shape, dtype=dtype)
    if _is_advanced(index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


class GetItem(Function):
    """``a[index]``; backward scatters the gradient into the indexed places."""

    @staticmethod
    def forward(ctx, a, index):
        ctx.index = _kept(index)
        ctx.in_shape = a.shape
        out = a[index]
        if not isinstance(out, np.ndarray):
            # Integers down to one element: NumPy gives a scalar copy; with a trailing
            # Ellipsis it gives a 0-d view, so t[0].fill_(1) writes into t (as PyTorch).
            items = index if isinstance(index, tuple) else (index,)
            if not _is_advanced(index) and not any(i is Ellipsis for i in items):
                out = a[(*items, Ellipsis)]
        return out

    @staticmethod
    def backward(ctx, g):
        return IndexScatter.apply(g, ctx.index, ctx.in_shape), None


class IndexScatter(Function):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices accumulate)."""

    @staticmethod
    def forward(ctx, g, index, shape):
        ctx.index = index
        return _scatter(shape, g.dtype, index, g)

    @staticmethod
    def backward(ctx, gg):
        return GetItem.apply(gg, ctx.index), None, None


def getitem(a: Tensor, index: Any) -> Tensor:
    """Read ``a[index]`` as a differentiable op, with NumPy's indexing rules.

    A list of lists (``t[[[0, 1], [2, 2]]]``) is one integer array, as in NumPy and as
    PyTorch announces for its future versions (PyTorch 2.x still reads it as a tuple of
    indices, with a deprecation warning): write ``t[[0, 1], [2, 2]]`` for that.
    """
    index = normalize_index(index)
    try:
        return GetItem.apply(a, index)
    except IndexError as e:
        raise IndexError(f"indexing a tensor of shape {a.shape} with {index!r}: {e}") from None
