"""Comparing and looking values up, without gradients (as PyTorch's): ``isclose``,
``unique`` and ``searchsorted``. Results are bool or int64 tensors, or values copied
out of the input that do not require grad."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor
from ._util import broadcast_shape, normalize_axis


def _data(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def isclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol·|other|`` with broadcasting (a bool
    tensor); equal infinities are close, nan is close to nan only with ``equal_nan``."""
    x, y = _data(input), _data(other)
    broadcast_shape("isclose", x.shape, y.shape)
    if rtol < 0 or atol < 0:
        raise ValueError(f"isclose: rtol and atol must be non-negative, got {rtol} and {atol}")
    return Tensor._wrap(np.asarray(np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def unique(input: Any, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: Any = None) -> Any:
    """The distinct values of ``input`` in ascending order (a 1-D tensor), or with ``dim``
    its distinct slices along that dim; each nan counts as distinct. ``return_inverse``
    adds the int64 indices that rebuild the input (``out[inverse]``: input's shape, or
    1-D along ``dim``), ``return_counts`` the int64 count of each. Always sorted
    (``sorted=False`` too, as PyTorch on the CPU). Not differentiable."""
    x = _data(input)
    axis = None
    if dim is not None:
        axis = normalize_axis(operator.index(dim), max(x.ndim, 1), "unique")[0]
        if x.ndim == 0:
            raise ShapeError("unique: can't take unique slices of a 0-d tensor along a dim")
    # equal_nan=False: each nan is a value of its own, as PyTorch's (NumPy 2 merges them).
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True,
                                        axis=axis, equal_nan=False)
    inverse = np.asarray(inverse, dtype=np.int64)
    results = [Tensor._wrap(values)]
    if return_inverse:
        results.append(Tensor._wrap(inverse.reshape(x.shape if axis is None else -1)))
    if return_counts:
        results.append(Tensor._wrap(counts.astype(np.int64)))
    return results[0] if len(results) == 1 else tuple(results)


def searchsorted(sorted_sequence: Any, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter: Any = None) -> Tensor:
    """For each value of ``input`` the index where it would be inserted into the ascending
    ``sorted_sequence`` to keep it sorted: the first such place (``left``), or the last
    (``right=True`` or ``side='right'``). A 1-D sequence serves every value; an N-D one
    has one row (the last dim) per row of ``input`` (same leading dims). ``sorter``
    gives the indices that sort an unsorted sequence. int64 (int32 with ``out_int32``);
    ``input`` may be a number (a 0-d result)."""
    seq, values = _data(sorted_sequence), _data(input)
    if side is not None:
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        if right and side == "left":
            raise ValueError("searchsorted: right=True and side='left' contradict each other")
        right = side == "right"
    if seq.ndim == 0:
        raise ShapeError("searchsorted: the sorted sequence must have at least 1 dim, got a "
                         "0-d tensor")
    order = None if sorter is None else _data(sorter).astype(np.intp)
    if order is not None and order.shape != seq.shape:
        raise ShapeError(f"searchsorted: sorter of shape {order.shape} must have the sorted "
                         f"sequence's shape {seq.shape}")
    which = "right" if right else "left"
    dtype = np.int32 if out_int32 else np.int64
    if seq.ndim == 1:
        out = np.searchsorted(seq, values, side=which, sorter=order)
        return Tensor._wrap(np.asarray(out, dtype=dtype))
    if values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]:
        raise ShapeError(f"searchsorted: the leading dims of the sorted sequence {seq.shape} and "
                         f"of the input {values.shape} must be the same (all but the last)")
    rows_seq, rows_val = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
    rows_order = None if order is None else order.reshape(rows_seq.shape)
    out = np.empty(rows_val.shape, dtype=dtype)
    for r in range(rows_seq.shape[0]):
        out[r] = np.searchsorted(rows_seq[r], rows_val[r], side=which,
                                 sorter=None if rows_order is None else rows_order[r])
    return Tensor._wrap(out.reshape(values.shape))
